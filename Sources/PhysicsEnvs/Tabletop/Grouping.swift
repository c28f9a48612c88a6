import Foundation

/// Grouping: bring the three blocks together at a spot, our version of RAPL's X-Magical "grouping" task
/// (its code and exact reward are not public, so this design is ours; RAPL's Franka "group" task scores
/// the distance of objects to a goal in the same spirit).
///
/// - **Spot:** (0, 0.6), drawn as a ring: above the debris row and below the goal strip, so every piece
///   must travel.
/// - **Reward terms:**
///   - `spread`: −mean pairwise distance between the pieces' centres (units), at every step;
///   - `spot`: −distance from the pieces' centroid to the spot.
/// - **Debris start:** as SweepToTop (Demo and Layout variants alike).
/// - **Episode:** 100 steps for every body, ending only at the time limit.
/// - **Success** (`info["score"]` 1): mean pairwise distance ≤ 0.42 and the centroid within 0.15 of
///   the spot, at the last step. Three squares of side 0.21 touching in a row have a mean pairwise
///   distance of 0.28 when square to the row and up to 0.40 when turned 45° (half-diagonals 0.15), as
///   pushed pieces often are; a triangle is tighter still.
enum Grouping {
    static let spot = Vec2(0, 0.6)
    static let episodeSteps = 100
    static let groupedSpread: Double = 0.42
    static let spotTolerance: Double = 0.15
    /// The expert lays the pieces in a row this far apart (centre to centre) around the spot.
    static let rowSpacing: Float = 0.27

    static func meanPairwiseDistance(_ points: [Vec2]) -> Double {
        var total = 0.0, count = 0
        for i in points.indices { for j in points.indices where j > i {
            let dx = Double(points[i].x - points[j].x), dy = Double(points[i].y - points[j].y)
            total += (dx * dx + dy * dy).squareRoot()
            count += 1
        } }
        return count == 0 ? 0 : total / Double(count)
    }

    static func centroidDistance(_ points: [Vec2]) -> Double {
        let cx = points.reduce(0.0) { $0 + Double($1.x) } / Double(points.count)
        let cy = points.reduce(0.0) { $0 + Double($1.y) } / Double(points.count)
        let dx = cx - Double(spot.x), dy = cy - Double(spot.y)
        return (dx * dx + dy * dy).squareRoot()
    }

    static func isGrouped(_ points: [Vec2]) -> Bool {
        meanPairwiseDistance(points) <= groupedSpread && centroidDistance(points) <= spotTolerance
    }

    /// The expert's next push: pieces sorted by x go to a row around the spot (left, middle, right); the
    /// nearest piece not yet within 0.06 of its place is pushed there (nearest by x for the sticks, by
    /// distance for the gripper). The long stick, which cannot push one piece alone, sweeps instead
    /// (`BladeSweeps`).
    static func nextPush(debris: [Vec2], robot: Vec2, body: TabletopBody) -> TabletopPush? {
        guard !isGrouped(debris) else { return nil }
        let order = debris.indices.sorted { debris[$0].x < debris[$1].x }
        var places: [Int: Vec2] = [:]
        for (rank, index) in order.enumerated() {
            places[index] = Vec2(spot.x + Float(rank - 1) * rowSpacing, spot.y)
        }
        let open = debris.indices.filter { i in
            let p = debris[i], t = places[i]!
            return ((p.x - t.x) * (p.x - t.x) + (p.y - t.y) * (p.y - t.y)).squareRoot() > 0.06
        }
        // Sticks take the nearest piece by x (they travel behind the row); the gripper, which picks pieces
        // up from any side, the nearest outright.
        func cost(_ i: Int) -> Float {
            let dx = debris[i].x - robot.x, dy = debris[i].y - robot.y
            return body == .gripper ? dx * dx + dy * dy : abs(dx)
        }
        guard let i = open.min(by: { cost($0) < cost($1) }) else { return nil }
        return TabletopPush(point: debris[i], target: places[i]!, stopDistance: 0.04)
    }
}
