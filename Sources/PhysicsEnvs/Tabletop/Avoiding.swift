import Foundation

/// Avoiding: SweepToTop with an off-limits zone on the table, our version of RAPL's "clean the counter
/// while avoiding an off-limits zone" (Tian et al., RAPL; its X-Magical code and exact reward are not
/// public, so this design is ours).
///
/// - **Zone:** x ∈ [−0.15, 0.15], y ∈ [0.3, 0.62]: the middle of the table between the debris row and
///   the goal, so the fastest sweep (straight up the middle) crosses it, and a careful one pushes the
///   middle piece aside first. It is drawn as a hatched blue-grey box.
/// - **Reward terms:** `in_goal` and `distance` as in SweepToTop (option `reward` as there), plus
///   `zone`: −1 for each body (the robot or a debris piece) whose centre is inside the zone, at every
///   step. The centre is where a wheeled base or an object's footprint would be judged; a blade passing
///   over the zone's edge does not count.
/// - **Debris start:** as SweepToTop; the Layout variant draws y from U(−0.1, 0.1) so that no piece
///   starts inside the zone.
/// - **Episode:** 100 steps for every body, ending only at the time limit.
/// - **Success:** every piece in the goal at the last step and no step with a body in the zone
///   (`info["zone_steps"]` counts them; `info["score"]` is the `in_goal` fraction, or 0 once the zone
///   was entered).
enum Avoiding {
    static let zone = (min: Vec2(-0.15, 0.3), max: Vec2(0.15, 0.62))
    static let layoutY = (-0.1, 0.1)
    static let episodeSteps = 100
    /// The column a piece is pushed to when its straight path would cross the zone.
    static let detourX: Float = 0.34

    /// Bodies (robot and debris) whose centre is inside the zone.
    static func bodiesInZone(_ scene: TabletopScene) -> Int {
        let robot = TabletopScene.contains(zone, scene.robotPosition) ? 1 : 0
        return robot + scene.debris.filter { TabletopScene.contains(zone, $0.body.position) }.count
    }

    /// The expert's next push: a piece whose column would cross the zone is first pushed diagonally out
    /// to x = ±0.34 below the zone; then SweepToTop's pushes.
    static func nextPush(debris: [Vec2], robot: Vec2, body: TabletopBody) -> TabletopPush? {
        let blocked = debris.filter { abs($0.x) < detourX - 0.04 && $0.y < zone.min.y }
        if let piece = blocked.min(by: { abs($0.x - robot.x) < abs($1.x - robot.x) }) {
            let side: Float = piece.x < 0 ? -1 : 1
            return TabletopPush(point: piece, target: Vec2(side * (detourX + 0.1), piece.y + 0.3), stopDistance: 0)
        }
        return SweepToTop.nextPush(debris: debris, robot: robot, body: body)
    }
}
