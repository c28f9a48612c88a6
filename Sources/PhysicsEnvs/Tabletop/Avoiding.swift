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
    /// A piece whose centre is nearer the zone's middle column than this would cross the zone on its way
    /// up (the zone's half-width 0.15, and margin for the drift of a pushed piece).
    static let blockedX: Float = 0.3
    /// Where such a piece is pushed first: a piece under the zone's middle (|x| < 0.1) sideways to
    /// |x| = 0.3, square to a blade; one off-centre diagonally up and out to |x| = 0.44, which is shorter.
    static let sidewaysX: Float = 0.3
    static let diagonalX: Float = 0.44

    /// Bodies (robot and debris) whose centre is inside the zone.
    static func bodiesInZone(_ scene: TabletopScene) -> Int {
        let robot = TabletopScene.contains(zone, scene.robotPosition) ? 1 : 0
        return robot + scene.debris.filter { TabletopScene.contains(zone, $0.body.position) }.count
    }

    /// The expert's next push: a piece whose column would cross the zone is first pushed out of it (see
    /// `sidewaysX`), towards the side with more room; then SweepToTop's pushes.
    static func nextPush(debris: [Vec2], robot: Vec2, body: TabletopBody) -> TabletopPush? {
        let blocked = debris.filter { abs($0.x) < blockedX && $0.y < zone.min.y }
        if let piece = blocked.min(by: { abs($0.x - robot.x) < abs($1.x - robot.x) }) {
            if abs(piece.x) >= 0.1 {
                let side: Float = piece.x < 0 ? -1 : 1
                return TabletopPush(point: piece, target: Vec2(side * diagonalX, piece.y + 0.3), stopDistance: 0)
            }
            func room(_ side: Float) -> Float {
                debris.filter { $0 != piece }.map { abs($0.x - side * sidewaysX) }.min() ?? 1
            }
            let side: Float = room(1) > room(-1) + 0.01 ? 1 : (room(-1) > room(1) + 0.01 ? -1 : (piece.x < 0 ? -1 : 1))
            return TabletopPush(point: piece, target: Vec2(side * sidewaysX, piece.y), stopDistance: 0.03)
        }
        return SweepToTop.nextPush(debris: debris, robot: robot, body: body)
    }
}
