import Foundation

/// Avoiding: SweepToTop with an off-limits zone on the table, our version of RAPL's "clean the counter
/// while avoiding an off-limits zone" (Tian et al., RAPL; its X-Magical code and exact reward are not
/// public, so this design is ours; reviewers of the ICLR 2024 version describe the task as "only requires
/// agent to avoid the blue box").
///
/// - **Zone:** x ∈ [−0.24, −0.08], y ∈ [0.2, 0.62], drawn as a hatched blue-grey box: between the left
///   and middle debris columns (x = −0.5 and 0; Layout's −0.32 and 0.16), from just above Demo's row.
///   The way back down from the goal to the left piece passes it, so a careless sweep often crosses it
///   (SweepToTop's expert, which ignores it, enters it with the gripper on Demo and on 1–4 of 10 Layout
///   seeds with the sticks) and a careful one drives around it; a piece whose way up would cross it is
///   first pushed out of its column. Every body can sweep without entering it: no start column of any
///   variant lies under it, and the long stick's blade (1.6) spans all three pieces with its centre
///   outside it. (Our first design put the zone in the middle column, which the long stick cannot keep
///   a piece out of: its blade spans x = 0 wherever it stands.)
/// - **Reward terms:** `in_goal` and `distance` as in SweepToTop (option `reward` as there), plus
///   `zone`: −1 for each body (the robot or a debris piece) whose centre is inside the zone, at every
///   step. The centre is where a wheeled base or an object's footprint would be judged; a blade passing
///   over the zone's edge does not count.
/// - **Debris start:** as SweepToTop (Demo and Layout alike).
/// - **Episode:** 100 steps for every body, ending only at the time limit.
/// - **Success:** every piece in the goal at the last step and no step with a body in the zone
///   (`info["zone_steps"]` counts them; `info["score"]` is the `in_goal` fraction, or 0 once the zone
///   was entered).
enum Avoiding {
    static let zone = (min: Vec2(-0.24, 0.2), max: Vec2(-0.08, 0.62))
    static let episodeSteps = 100
    /// How far outside the zone's columns the expert keeps the robot's centre while pushing, and a
    /// pushed piece's centre (the drift of a piece across the blade), units.
    static let columnMargin: Float = 0.03
    /// Where a piece in the zone's column is pushed first: this far outside the column, and up to this
    /// much higher (a diagonal push that stays below the zone), units.
    static let sidestep: Float = 0.08
    static let sidestepRise: Float = 0.3

    /// The x-range the expert keeps robot and piece centres out of.
    static var column: (min: Float, max: Float) { (zone.min.x - columnMargin, zone.max.x + columnMargin) }

    /// Bodies (robot and debris) whose centre is inside the zone.
    static func bodiesInZone(_ scene: TabletopScene) -> Int {
        let robot = TabletopScene.contains(zone, scene.robotPosition) ? 1 : 0
        return robot + scene.debris.filter { TabletopScene.contains(zone, $0.body.position) }.count
    }

    /// The expert's next push: a piece in the zone's column, below the zone's top, is first pushed out
    /// of the column to the nearer side (diagonally up while it stays below the zone, else sideways);
    /// then SweepToTop's pushes, with the robot's centre kept out of the column (the long stick slides
    /// along its blade; other sticks push such runs one piece at a time). The long stick cannot push one
    /// piece alone and skips the first step. If no push keeps out of the column (a piece drifted into it
    /// above the zone), SweepToTop's push is taken as it is rather than stopping.
    static func nextPush(debris: [Vec2], robot: Vec2, body: TabletopBody) -> TabletopPush? {
        let c = column
        let blocked = debris.filter { $0.x > c.min && $0.x < c.max && $0.y < zone.max.y }
        if body != .longStick, let piece = blocked.min(by: { abs($0.x - robot.x) < abs($1.x - robot.x) }) {
            let x = piece.x - c.min < c.max - piece.x ? c.min - sidestep : c.max + sidestep
            let rise = Swift.max(0, Swift.min(sidestepRise, zone.min.y - columnMargin - piece.y))
            return TabletopPush(point: piece, target: Vec2(x, piece.y + rise), stopDistance: 0.03)
        }
        return SweepToTop.nextPush(debris: debris, robot: robot, body: body, robotKeepOut: c)
            ?? SweepToTop.nextPush(debris: debris, robot: robot, body: body)
    }
}
