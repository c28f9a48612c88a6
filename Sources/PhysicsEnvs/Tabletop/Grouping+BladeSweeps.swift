import Foundation

/// One straight sweep of the long stick (1.6 wide): the blade turned `angle` from the x axis (the
/// robot's heading turned the same from +y), its centre `center` along that axis, driven along its
/// normal until the centres of the pieces it meets lie `reach` along the normal.
struct BladeSweep: Equatable {
    /// Radians, counter-clockwise.
    var angle: Float
    /// Units along `axis`.
    var center: Float
    /// Units along `normal`.
    var reach: Float
    /// Where the robot's centre starts the sweep, facing along `normal`.
    var start = Vec2(0, 0)

    var axis: Vec2 { Vec2(cos(angle), sin(angle)) }
    var normal: Vec2 { Vec2(-sin(angle), cos(angle)) }
    /// Where the robot's centre (the blade's middle) stops.
    var endPoint: Vec2 {
        let a = axis, n = normal, u = reach - BladeSweeps.bladeReach
        return Vec2(center * a.x + u * n.x, center * a.y + u * n.y)
    }
}

/// How the long stick groups pieces (our design, with `Grouping`'s spot and test): a blade moving along
/// its normal moves every piece it meets along that normal and no other way, so the pieces end on a line
/// along the blade, each where it was along the blade's axis. Pieces on a line spaced s apart, swept by a
/// blade turned δ from that line, end spaced s·cos δ apart: a row 0.5 apart swept at +25° and then at −25°
/// ends 0.5·cos 25°·cos 50° = 0.29 apart, a mean pairwise distance of 0.39 (the test asks 0.42). Straight
/// sweeps keep the spacing, and the blade cannot turn more than about 35° from +y near the bottom wall
/// (its half-width 0.8 reaches the wall), so the sweeps alternate in tilt.
///
/// `plan` searches sequences of up to three sweeps over this model: tilts every 5° in ±35°, the blade's
/// centre where the robot can steer it on the way, and on the last sweep a push past the line to bring
/// the group's centroid to the spot, within the steps left in the episode. A sweep is ruled out when a
/// piece would be clipped by the blade's end, pushed into another piece that is not on the blade, or
/// against a wall, when the pieces' drag would turn the blade (`balanced`), or when the blade has no
/// clear pose to start from. The robot re-plans from the pieces' real positions after every sweep.
///
/// The 1.6 blade's centre stays within about 0.3 of the middle (its ends reach the side walls), so a
/// piece near a side wall, as Layout puts one in 3 of 4 draws (x = ±0.8), sits near the blade's end,
/// where its drag turns the blade: the model finds no plan for most such layouts (bench/RESULTS.md).
enum BladeSweeps {
    /// Half the long stick's width (0.8).
    static let halfWidth: Float = TabletopBody.longStick.stickWidth! / 2
    /// Half the blade's thickness (0.05).
    static let halfThickness: Float = TabletopBody.stickThickness / 2
    /// From the blade's middle line to the centre of a piece flush against it: half the blade's
    /// thickness and half a square's side (0.106).
    static let bladeReach: Float = halfThickness + 0.106
    /// A piece counts as on the blade when its centre is this far inside the blade's end.
    static let endMargin: Float = 0.05
    /// Pieces are kept this far (centre to centre) from each other and from the blade while it turns: a
    /// square's half-diagonal 0.15 with a margin.
    static let pieceRadius: Float = 0.17
    /// Tilts tried, radians: every 5° within ±35°.
    static let tilts: [Float] = (-7...7).map { Float($0) * 5 * .pi / 180 }
    /// Wall limits: piece centres stay within ±0.96, the blade's corners within ±1.09.
    static let pieceLimit: Float = 0.96
    static let bladeLimit: Float = 1.09
    /// Beyond this many units ahead of where the blade starts, the robot steers at most 0.35 rad off its
    /// sweep to line its centre up, and square to it after.
    static let squareDistance: Float = 0.45
    static let steerLimit: Float = 0.35
    /// The success test with a margin, which a plan must pass in the model.
    static let planMargin: Float = 0.04

    /// The robot and the pieces, as the planner sees them.
    struct State {
        var pieces: [Vec2]
        var robot: Vec2
        /// The blade's angle from the x axis, radians.
        var angle: Float
        /// Environment steps spent getting here, estimated.
        var steps: Float = 0
    }

    // MARK: planning

    /// The best sequence of at most `maxSweeps` sweeps from `state` that the robot has time for (`budget`
    /// environment steps, estimated): the quickest that passes the success test with `planMargin` in the
    /// model; failing that, the one that comes nearest. Empty when the pieces are grouped already.
    static func plan(from state: State, budget: Float, maxSweeps: Int = 3) -> [BladeSweep] {
        if margin(state.pieces) >= 0 { return [] }
        var passing: (plan: [BladeSweep], steps: Float)?
        var nearest: (plan: [BladeSweep], margin: Float, inTime: Bool) = ([], margin(state.pieces), true)
        var frontier: [(plan: [BladeSweep], state: State)] = [([], state)]
        for depth in 1...maxSweeps {
            var next: [(plan: [BladeSweep], state: State)] = []
            for (plan, s) in frontier {
                for (sweep, after) in sweeps(from: s) {
                    // The last sweep may push on past the line, to bring the centroid to the spot.
                    for (finalSweep, finalState) in [(sweep, after)] + pushedOn(sweep, from: s, to: after) {
                        let m = margin(finalState.pieces), inTime = finalState.steps <= budget
                        if m >= planMargin, inTime, finalState.steps < passing?.steps ?? .infinity {
                            passing = (plan + [finalSweep], finalState.steps)
                        }
                        if (inTime && !nearest.inTime) || (inTime == nearest.inTime && m > nearest.margin) {
                            nearest = (plan + [finalSweep], m, inTime)
                        }
                    }
                    if after.steps <= budget { next.append((plan + [sweep], after)) }
                }
            }
            if depth == maxSweeps { break }
            // Carry on from the most promising states only: the tightest groups.
            frontier = next.sorted { Grouping.meanPairwiseDistance($0.state.pieces) < Grouping.meanPairwiseDistance($1.state.pieces) }
                .prefix(depth == 1 ? 200 : 80).map { $0 }
            if frontier.isEmpty { break }
        }
        return passing?.plan ?? nearest.plan
    }

    /// How far inside the success test the pieces are: the smaller of its two slacks, units (negative
    /// when they fail it).
    static func margin(_ pieces: [Vec2]) -> Float {
        Swift.min(Float(Grouping.groupedSpread - Grouping.meanPairwiseDistance(pieces)),
                  Float(Grouping.spotTolerance - Grouping.centroidDistance(pieces)))
    }

    /// The distinct sweeps the robot can make next from `state`, each with where it leaves everything: per
    /// tilt and set of pieces the blade takes, the middle of the blade centres that hold the blade's heading
    /// and have a clear pose to start from.
    static func sweeps(from state: State) -> [(BladeSweep, State)] {
        var result: [(BladeSweep, State)] = []
        for tilt in tilts {
            let a = Vec2(cos(tilt), sin(tilt)), n = Vec2(-sin(tilt), cos(tilt))
            typealias Candidate = (center: Float, start: Vec2, approach: Float)
            var options: [(covered: [Bool], reach: Float, candidates: [Candidate])] = []
            for k in -14...14 {
                let center = Float(k) * 0.05
                let covered = state.pieces.map { abs(dot(a, $0) - center) <= halfWidth - endMargin }
                guard covered.contains(true) else { continue }
                let reach = zip(state.pieces, covered).filter(\.1).map { dot(n, $0.0) }.max()!
                guard balanced(center: center, tilt: tilt, pieces: state.pieces, reach: reach),
                      let (start, approach) = start(center: center, tilt: tilt, covered: covered, state: state) else { continue }
                if let i = options.firstIndex(where: { $0.covered == covered }) { options[i].candidates.append((center, start, approach)) }
                else { options.append((covered, reach, [(center, start, approach)])) }
            }
            for (_, reach, candidates) in options {
                let (center, start, approach) = candidates[candidates.count / 2]
                // Pushing on past the line gives the next sweep room to turn behind the pieces.
                for extra in extraReaches {
                    let sweep = BladeSweep(angle: tilt, center: center, reach: reach + extra, start: start)
                    if extra > 0, !balanced(center: center, tilt: tilt, pieces: state.pieces, reach: sweep.reach) { continue }
                    if var after = apply(sweep, to: state) {
                        after.steps = state.steps + approach + (sweep.reach - bladeReach - dot(n, start)) / 0.1 + 2
                        result.append((sweep, after))
                    }
                }
            }
        }
        return result
    }

    /// How far behind the first piece it meets the blade starts a sweep, units: room to square up.
    static let runway: Float = 0.3

    /// Where the robot can start a sweep from `state`, and the steps it takes to get there, cheapest
    /// first among:
    /// 1. where it stands, turning on the spot, or
    /// 2. where it can turn after reversing along its heading (`turnPoint`), steering its centre onto the
    ///    sweep's line on the way to the pieces (at most `steerLimit` off the sweep, beyond
    ///    `squareDistance`); or else
    /// 3. `runway` behind the first piece on the sweep's line, by `TabletopPlanner`'s path, whose sideways
    ///    manoeuvres with a 1.6 blade near the walls cost about 12 steps per 0.1 units.
    /// Nil when none is clear of the pieces and walls.
    static func start(center: Float, tilt: Float, covered: [Bool], state: State) -> (point: Vec2, steps: Float)? {
        let a = Vec2(cos(tilt), sin(tilt)), n = Vec2(-sin(tilt), cos(tilt))
        let first = zip(state.pieces, covered).filter(\.1).map { dot(n, $0.0) }.min()!
        let turnSteps = abs((tilt - state.angle).remainder(dividingBy: 2 * .pi)) / 0.31 + 1
        func steerable(_ p: Vec2) -> Bool {
            let runway = first - bladeReach - dot(n, p)
            return runway > 0.1 && abs(center - dot(a, p)) <= Swift.max(0, runway - squareDistance) * sin(steerLimit) * 0.8
        }
        if canTurn(at: state.robot, from: state.angle, to: tilt, pieces: state.pieces), steerable(state.robot) {
            return (state.robot, turnSteps)
        }
        if let p = turnPoint(from: state, to: tilt), steerable(p) {
            let d = Vec2(p.x - state.robot.x, p.y - state.robot.y)
            return (p, dot(d, d).squareRoot() / 0.1 + turnSteps + 1)
        }
        let u = first - bladeReach - runway
        let p = Vec2(center * a.x + u * n.x, center * a.y + u * n.y)
        guard bladeFits(at: p, angle: tilt), canTurn(at: p, from: tilt, to: tilt, pieces: state.pieces) else { return nil }
        let d = Vec2(p.x - state.robot.x, p.y - state.robot.y)
        let lateral = Swift.min(abs(dot(d, Vec2(cos(state.angle), sin(state.angle)))), abs(dot(d, a)))
        return (p, 1.2 * dot(d, d).squareRoot() / 0.1 + turnSteps + lateral / 0.1 * 12)
    }

    /// How much further than the line the pieces' centres an intermediate sweep may push, units.
    static let extraReaches: [Float] = [0, 0.15, 0.3]
    /// Each piece resists a push with up to 1.5 N of ground friction (x-magical's debris translation
    /// force), at its distance from the blade's middle; the drive holds the heading with at most 1 N·m
    /// (its rotation force), so a piece met alone more than 0.67 from the middle turns the blade, at the
    /// excess torque over the blade's moment of inertia (1 kg × (1.6² + 0.1²) / 12).
    static let pieceDrag: Float = TabletopDynamics().debrisForce
    static let driveTorque: Float = TabletopDynamics().robotTorque
    static let bladeInertia: Float = TabletopBody.longStick.inertia
    /// The most a sweep may turn the blade by the end, radians.
    static let turnLimit: Float = 0.1

    /// Whether the blade, centred at `center` and tilted `tilt`, keeps within `turnLimit` of its heading
    /// against the pieces' drag, as it meets them one after another (in the order they lie along its
    /// normal, at the drive's 0.8 units/s) and pushes them to `reach`. Conservative: once turning, the
    /// blade is taken to keep turning.
    static func balanced(center: Float, tilt: Float, pieces: [Vec2], reach: Float) -> Bool {
        let a = Vec2(cos(tilt), sin(tilt)), n = Vec2(-sin(tilt), cos(tilt))
        let met = pieces.filter { abs(dot(a, $0) - center) <= halfWidth + pieceRadius && dot(n, $0) < reach }
            .sorted { dot(n, $0) < dot(n, $1) }
        var levers: Float = 0, angle: Float = 0, rate: Float = 0
        for (i, p) in met.enumerated() {
            levers += dot(a, p) - center
            let next = i + 1 < met.count ? dot(n, met[i + 1]) : reach
            let time = Swift.max(0, next - dot(n, p)) / TabletopScene.speedLimit
            let torque = pieceDrag * levers
            let excess = (torque < 0 ? -1 : 1) * Swift.max(0, abs(torque) - driveTorque) / bladeInertia
            angle += rate * time + 0.5 * excess * time * time
            rate += excess * time
        }
        return abs(angle) <= turnLimit
    }

    /// The same sweep pushed on past the line so that the centroid comes nearest the spot, if it may.
    static func pushedOn(_ sweep: BladeSweep, from state: State, to flush: State) -> [(BladeSweep, State)] {
        let n = sweep.normal
        let onBlade = flush.pieces.filter { abs(dot(n, $0) - sweep.reach) < 1e-3 }.count
        let c = centroid(flush.pieces)
        let wanted = (dot(n, Vec2(Grouping.spot.x - c.x, Grouping.spot.y - c.y))) * 3 / Float(Swift.max(onBlade, 1))
        guard wanted > 0.02 else { return [] }
        for fraction: Float in [1, 0.75, 0.5, 0.25] {
            var pushed = sweep
            pushed.reach += wanted * fraction
            if !balanced(center: sweep.center, tilt: sweep.angle, pieces: state.pieces, reach: pushed.reach) { continue }
            if var after = apply(pushed, to: state) {
                after.steps = flush.steps + (pushed.reach - sweep.reach) / 0.1
                return [(pushed, after)]
            }
        }
        return []
    }

    /// Where the sweep leaves the pieces and the robot, or nil when it is ruled out.
    static func apply(_ sweep: BladeSweep, to state: State) -> State? {
        let a = sweep.axis, n = sweep.normal
        var pieces = state.pieces
        var onBlade = [Bool](repeating: false, count: pieces.count)
        for (i, p) in pieces.enumerated() {
            let t = dot(a, p), u = dot(n, p)
            let lateral = abs(t - sweep.center)
            if lateral > halfWidth + pieceRadius { continue }  // outside the blade's path
            if lateral > halfWidth - endMargin {
                if u < sweep.reach + pieceRadius { return nil }  // the blade's end would clip it
                continue
            }
            if u < sweep.reach {
                pieces[i] = Vec2(p.x + (sweep.reach - u) * n.x, p.y + (sweep.reach - u) * n.y)
            }
            onBlade[i] = true
        }
        // Pieces on the blade that meet slide apart along it, to a square's side and a little.
        let order = pieces.indices.filter { onBlade[$0] }.sorted { dot(a, pieces[$0]) < dot(a, pieces[$1]) }
        let gap: Float = 0.22
        for _ in 0..<3 {
            for (i, j) in zip(order, order.dropFirst()) {
                let g = dot(a, pieces[j]) - dot(a, pieces[i])
                if g < gap {
                    let s = (gap - g) / 2
                    pieces[i] = Vec2(pieces[i].x - s * a.x, pieces[i].y - s * a.y)
                    pieces[j] = Vec2(pieces[j].x + s * a.x, pieces[j].y + s * a.y)
                }
            }
        }
        // A piece pushed into one that is not on the blade would push that one on: ruled out.
        for i in pieces.indices { for j in pieces.indices where j > i && onBlade[i] != onBlade[j] {
            let d = Vec2(pieces[i].x - pieces[j].x, pieces[i].y - pieces[j].y)
            if dot(d, d) < 0.22 * 0.22 { return nil }
        } }
        guard pieces.allSatisfy({ abs($0.x) <= pieceLimit && abs($0.y) <= pieceLimit }) else { return nil }
        let end = sweep.endPoint
        guard bladeFits(at: end, angle: sweep.angle) else { return nil }
        return State(pieces: pieces, robot: end, angle: sweep.angle)
    }

    // MARK: turning

    /// Where the robot, reversing along its heading from `state`, can first turn its blade to `angle`
    /// clear of the pieces and the walls; nil when it reaches the wall first.
    static func turnPoint(from state: State, to angle: Float) -> Vec2? {
        let back = Vec2(sin(state.angle), -cos(state.angle))  // −heading
        var distance: Float = 0
        while distance <= 1.5 {
            let p = Vec2(state.robot.x + distance * back.x, state.robot.y + distance * back.y)
            guard bladeFits(at: p, angle: state.angle) else { return nil }
            if canTurn(at: p, from: state.angle, to: angle, pieces: state.pieces) { return p }
            distance += 0.05
        }
        return nil
    }

    /// Whether the blade, centred at `p`, can turn from one angle to another clear of pieces and walls.
    static func canTurn(at p: Vec2, from start: Float, to end: Float, pieces: [Vec2]) -> Bool {
        let steps = Swift.max(1, Int((abs(end - start) / 0.05).rounded(.up)))
        for k in 0...steps {
            let angle = start + (end - start) * Float(k) / Float(steps)
            guard bladeFits(at: p, angle: angle) else { return false }
            let a = Vec2(cos(angle), sin(angle))
            for q in pieces {
                let d = Vec2(q.x - p.x, q.y - p.y)
                let t = Swift.max(-halfWidth, Swift.min(halfWidth, dot(d, a)))
                let e = Vec2(d.x - t * a.x, d.y - t * a.y)
                if dot(e, e) < (pieceRadius + halfThickness) * (pieceRadius + halfThickness) { return false }
            }
        }
        return true
    }

    /// Whether the blade's four corners are inside the walls.
    static func bladeFits(at p: Vec2, angle: Float) -> Bool {
        let a = Vec2(cos(angle), sin(angle)), n = Vec2(-sin(angle), cos(angle))
        for s in [Float(-1), 1] { for h in [-halfThickness, halfThickness] {
            let x = p.x + s * halfWidth * a.x + h * n.x, y = p.y + s * halfWidth * a.y + h * n.y
            if abs(x) > bladeLimit || abs(y) > bladeLimit { return false }
        } }
        return true
    }

    static func dot(_ a: Vec2, _ b: Vec2) -> Float { a.x * b.x + a.y * b.y }
    static func centroid(_ points: [Vec2]) -> Vec2 {
        Vec2(points.reduce(0) { $0 + $1.x } / Float(points.count), points.reduce(0) { $0 + $1.y } / Float(points.count))
    }
}
