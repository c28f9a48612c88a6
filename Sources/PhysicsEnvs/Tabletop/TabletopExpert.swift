import Foundation
import SandboxCore

/// One push the expert wants: move the piece at `point` towards `target`, and stop pushing once it is
/// within `stopDistance` of it (0: keep pushing, the objective decides when the piece is done).
struct TabletopPush {
    var point: Vec2
    var target: Vec2
    var stopDistance: Float
}

/// The scripted expert of a tabletop task, for every body: it reads only the state observation (robot
/// and debris positions, heading) and, step by step,
/// 1. asks the task for the next push (which piece, towards where);
/// 2. if it is not behind that piece, backs away along the push direction until it is;
/// 3. drives to the point `pushClearance` behind the piece and turns to face the push;
/// 4. pushes, steering at a point just beyond the piece so the piece stays centred on the blade
///    (or in the gripper's open fingers).
/// Between pushes it drives by `TabletopPlanner`'s fastest path. Its only memory is the previous
/// observation, to estimate the robot's speed (the observation has no velocities); a jump larger than
/// one step could travel starts afresh, so one controller can run any number of episodes.
public final class TabletopExpert: Controller {
    let objective: TabletopObjective
    let body: TabletopBody
    var planner: TabletopPlanner
    private var previous: (position: Vec2, heading: Float)?
    /// The long stick's sweep under way on Grouping, and how far it has got (see `BladeSweeps`).
    var sweep: BladeSweep?
    var sweepPhase = SweepPhase.approach
    /// Steps into the episode, for the long stick's sweep planning.
    var sweepSteps = 0

    init(objective: TabletopObjective, body: TabletopBody) {
        self.objective = objective
        self.body = body
        planner = TabletopPlanner(body: body)
        if objective == .avoiding {
            let m = Self.zoneMargin
            planner.keepOut = (Vec2(Avoiding.zone.min.x - m, Avoiding.zone.min.y - m), Vec2(Avoiding.zone.max.x + m, Avoiding.zone.max.y + m))
        }
    }

    /// How far outside Avoiding's zone the robot's centre keeps while it travels, units.
    static let zoneMargin: Float = 0.03
    /// Debris as obstacles for the planner: a disc just past a square's half-diagonal (0.15).
    static let debrisClearance: Float = 0.155
    /// How much further back than `pushClearance` the planner's goal pose sits.
    static let approachSlack: Float = 0.04

    public func action(for o: [Float]) -> [Float] {
        let robot = Vec2(o[0], o[1])
        let debris = [Vec2(o[2], o[3]), Vec2(o[4], o[5]), Vec2(o[6], o[7])]
        let forward = Vec2(-o[9], o[8])
        let heading = atan2(o[9], o[8])
        // Forward speed from the last observation, units/s (0 after a jump: a new episode).
        var speed: Float = 0, turnRate: Float = 0
        if let last = previous, distance(last.position, robot) < 0.15 {
            speed = ((robot.x - last.position.x) * forward.x + (robot.y - last.position.y) * forward.y) / TabletopPlanner.stepSeconds
            turnRate = (heading - last.heading).remainder(dividingBy: 2 * .pi) / TabletopPlanner.stepSeconds
        } else {
            sweep = nil
            sweepSteps = 0
        }
        previous = (robot, heading)
        let pose = TabletopPlanner.Pose(x: robot.x, y: robot.y, heading: heading, speed: speed, turn: turnRate)
        if body == .longStick, objective == .grouping { return sweepAction(pose: pose, debris: debris) }
        var action: [Float]
        let push = objective.nextPush(debris: debris, robot: robot, body: body)
        if body == .gripper, objective == .grouping {
            return carry(robot: robot, forward: forward, opening: o[16], push: push, pose: pose, debris: debris)
        }
        if let push {
            action = drive(robot: robot, forward: forward, pose: pose, push: push, debris: debris)
        } else {
            action = [0, 0]
        }
        if body == .gripper { action.append(-1) }  // fingers open: the piece rides in the cup
        return action
    }

    /// The gripper on Grouping carries pieces instead of pushing them: once the piece is in its cup
    /// (0.31 ahead of the centre), it closes the fingers and drives the cup to the piece's place by the
    /// shortest way, turning on the spot when the place is off to the side; at the place it opens the
    /// fingers and waits for them before driving off, so the piece stays where it was put.
    private func carry(robot r: Vec2, forward: Vec2, opening: Float, push: TabletopPush?, pose: TabletopPlanner.Pose,
                       debris: [Vec2]) -> [Float] {
        let cup = Vec2(r.x + Self.cupReach * forward.x, r.y + Self.cupReach * forward.y)
        if let push, distance(push.point, cup) < 0.1 {
            let remaining = distance(push.point, push.target)
            if remaining > push.stopDistance + 0.02 {
                // Aim the cup at the place: the heading from the robot's centre to the place, less the cup.
                let e = Vec2(push.target.x - r.x, push.target.y - r.y)
                let gap = length(e) - Self.cupReach
                // Nearer than the cup reaches, the heading to the place says little: back straight out.
                if gap < 0.03 { return [Swift.max(-1, gap / 0.2 - 0.2), 0, 1] }
                let error = angleBetween(forward, e)
                let drive: Float = abs(error) > 0.5 ? 0 : Swift.min(1, gap / 0.2 + 0.1)
                return [drive, turn(error), 1]
            }
        }
        // Not carrying: open the fingers first, and stand still until they are open.
        if opening < 0.8 { return [0, 0, -1] }
        guard var push else { return [0, 0, -1] }
        // The gripper picks a piece up from any side, so when the pose behind it (towards its place) is
        // off the table, it picks the piece up from below instead, or from the side facing the centre.
        let behind = { (target: Vec2) -> Bool in
            let u = Vec2(target.x - push.point.x, target.y - push.point.y)
            let n = self.length(u)
            let reach = self.body.pushClearance + Self.approachSlack
            let x = push.point.x - reach * u.x / n, y = push.point.y - reach * u.y / n
            return abs(x) < Self.approachLimit && abs(y) < Self.approachLimit
        }
        if !behind(push.target) {
            // Facing the wall from the centre's side, so the pose behind lies towards the centre.
            let side = Vec2(push.point.x + (push.point.x < 0 ? -1 : 1), push.point.y)
            let below = Vec2(push.point.x, push.point.y + 1)
            if let target = [below, side].first(where: behind) { push.target = target; push.stopDistance = 0 }
        }
        return drive(robot: r, forward: forward, pose: pose, push: push, debris: debris) + [-1]
    }

    /// Where a piece sits in the gripper's cup, ahead of the robot's centre (disc 0.2 + half a piece).
    static let cupReach: Float = 0.31
    /// The gripper's centre can reach |x|, |y| up to this (the arena 1.1 less its disc 0.2 and a margin).
    static let approachLimit: Float = 0.85

    /// `pose` is the robot's pose, speed and turn rate, for the planner.
    private func drive(robot r: Vec2, forward: Vec2, pose: TabletopPlanner.Pose, push: TabletopPush, debris: [Vec2]) -> [Float] {
        // A piece by a wall is pushed off-centre, with the body just clear of the wall.
        let reach = TabletopScene.arenaHalfSize - (body.stickWidth.map { $0 / 2 } ?? 0.2) - 0.03
        let d = Vec2(Swift.max(-reach, Swift.min(reach, push.point.x)), push.point.y)
        var u = Vec2(push.target.x - d.x, push.target.y - d.y)
        let remaining = length(u)
        u = Vec2(u.x / Swift.max(remaining, 1e-6), u.y / Swift.max(remaining, 1e-6))
        let c = body.pushClearance
        let along = (r.x - d.x) * u.x + (r.y - d.y) * u.y
        let lateral = u.x * (r.y - d.y) - u.y * (r.x - d.x)
        let facing = angleBetween(forward, u)
        if body == .longStick, along < 0 {
            // The long blade never turns far from the push: it drifts sideways while driving at the
            // pieces, heading at most 0.35 rad off the push direction, and square to it near them.
            let aim = Vec2(d.x + 0.25 * u.x - r.x, d.y + 0.25 * u.y - r.y)
            let limit: Float = along < -0.45 ? 0.35 : 0.05
            let offset = Swift.max(-limit, Swift.min(limit, angleBetween(u, aim)))
            let direction = Vec2(u.x * cos(offset) - u.y * sin(offset), u.x * sin(offset) + u.y * cos(offset))
            return [1, steer(forward, towards: direction)]
        }
        // Travelling sideways turns a blade along the way, so the lane lies deeper behind the piece.
        let lane = body.travelClearance
        if along < -0.6 * c, along > -(lane + 0.15), abs(lateral) < body.lateralTolerance, abs(facing) < 0.35 {
            // Push: aim just beyond the piece; ease off near the target.
            let aim = Vec2(d.x + 0.25 * u.x, d.y + 0.25 * u.y)
            let speed = push.stopDistance > 0 ? Swift.max(0, Swift.min(1, (remaining - push.stopDistance) / 0.2)) : 1
            return [speed, steer(forward, towards: Vec2(aim.x - r.x, aim.y - r.y))]
        }
        // Elsewhere: the fastest path to the pose just behind the piece, facing the push.
        if body != .longStick {
            planner.obstacles = debris.map { .init(center: $0, radius: Self.debrisClearance) }
            let goal = TabletopPlanner.Pose(x: d.x - (c + Self.approachSlack) * u.x, y: d.y - (c + Self.approachSlack) * u.y,
                                            heading: atan2(-u.x, u.y))
            if let move = planner.firstMove(from: pose, to: goal) {
                return [move.v / TabletopPlanner.speed, move.w / TabletopPlanner.turnRate]
            }
        }
        let approach = Vec2(d.x - lane * u.x, d.y - lane * u.y)
        if along < -0.9 * lane {
            if distance(r, approach) > 0.04 { return goTo(approach, from: r, forward: forward, mayReverse: true) }
            return [0, steer(forward, towards: u)]
        }
        // Not behind the piece: back away along −u (reversing when facing roughly along u).
        if abs(facing) < 1.3 {
            return [-1, steer(forward, towards: u)]
        }
        return goTo(Vec2(r.x - 0.4 * u.x, r.y - 0.4 * u.y), from: r, forward: forward, mayReverse: true)
    }

    /// Drives to `point`: turns on the spot when it is off to the side, reverses when it is behind.
    private func goTo(_ point: Vec2, from r: Vec2, forward: Vec2, mayReverse: Bool) -> [Float] {
        let e = Vec2(point.x - r.x, point.y - r.y)
        let dist = length(e)
        let speed = Swift.min(1, dist / 0.2)
        let error = angleBetween(forward, e)
        if mayReverse, abs(error) > 2.2 {
            let backwardError = angleBetween(Vec2(-forward.x, -forward.y), e)
            return [abs(backwardError) > 0.35 ? 0 : -speed, turn(backwardError)]
        }
        if abs(error) > 0.6 { return [0, turn(error)] }
        return [speed * (1 - abs(error) / 1.2), turn(error)]
    }

    /// The turn action that closes `error` radians in one step (the drive turns a1 / 0.0125 s⁻¹, capped).
    func turn(_ error: Float) -> Float { Swift.max(-1, Swift.min(1, error * 0.1)) }
    private func steer(_ forward: Vec2, towards direction: Vec2) -> Float { turn(angleBetween(forward, direction)) }

    private func angleBetween(_ a: Vec2, _ b: Vec2) -> Float {
        atan2(a.x * b.y - a.y * b.x, a.x * b.x + a.y * b.y)
    }
    private func length(_ v: Vec2) -> Float { (v.x * v.x + v.y * v.y).squareRoot() }
    private func distance(_ a: Vec2, _ b: Vec2) -> Float { length(Vec2(a.x - b.x, a.y - b.y)) }
}
