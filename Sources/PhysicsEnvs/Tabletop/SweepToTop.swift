import Foundation

/// SweepToTop, X-Magical's task (kevinzakka/x-magical @ c8d812e, `benchmarks/sweep_to_top.py`): push the
/// three debris pieces into the goal strip along the top of the table.
///
/// - **Goal zone:** x ∈ [−1.2, 1.2], y ∈ [0.76, 1.16] (inside the arena, the strip y ≥ 0.76).
/// - **Debris start:** (−0.5, 0), (0, 0), (0.5, 0) in the Demo variant; see `TabletopVariant.layout`.
/// - **Reward terms:**
///   - `in_goal` (sparse): the fraction of debris whose bounding box lies wholly inside the goal, at
///     every step (x-magical's registered reward and its end-of-episode `eval_score`);
///   - `distance` (dense): −mean over debris of |1 − y|, counting 0 once y > 0.88 (x-magical's
///     `use_dense_reward`).
///   Option `reward` chooses which count: `both` (the default, their sum), `sparse` or `dense`; the
///   other term then reads 0 and its value stays in `info`.
/// - **Episode:** 100 steps (50 for the long stick), ending only at the time limit.
/// - **Success:** every piece in the goal at the last step (`info["score"]` = the `in_goal` fraction).
enum SweepToTop {
    static let goal = (min: Vec2(-1.2, 0.76), max: Vec2(1.2, 1.16))
    /// The dense term's line, and the height above which a piece counts as there.
    static let targetY: Float = 1
    static let closeEnoughY: Float = 0.88
    /// Reward choices for option `reward`.
    static let rewardNames = ["both", "sparse", "dense"]

    /// The fraction of debris whose bounding box lies wholly inside the goal.
    static func fractionInGoal(_ scene: TabletopScene) -> Double {
        let inside = scene.debris.filter { piece in
            let box = scene.boundingBox(of: piece)
            return TabletopScene.contains(goal, box.min) && TabletopScene.contains(goal, box.max)
        }.count
        return Double(inside) / Double(scene.debris.count)
    }

    /// −mean |1 − y| over the debris, 0 for pieces above 0.88.
    static func denseDistance(_ scene: TabletopScene) -> Double {
        let total = scene.debris.reduce(0.0) { sum, piece in
            let y = piece.body.position.y
            return sum + (y > closeEnoughY ? 0 : Double(abs(targetY - y)))
        }
        return -total / Double(scene.debris.count)
    }

    /// The expert's next push: straight up under the pieces still below the goal. A stick pushes the
    /// largest run of neighbouring pieces its blade spans at once (the medium stick two pieces 0.5 apart,
    /// the long stick all three), the nearest run (by x) first. With `robotKeepOut` (an x-range, Avoiding's
    /// zone column) no push puts the robot's centre in that range: the long stick slides along its blade
    /// while it still spans the run, and a run it cannot push that way is left for smaller runs.
    static func nextPush(debris: [Vec2], robot: Vec2, body: TabletopBody,
                         robotKeepOut: (min: Float, max: Float)? = nil) -> TabletopPush? {
        let remaining = debris.filter { $0.y < 0.93 }.sorted { $0.x < $1.x }
        guard !remaining.isEmpty else { return nil }
        let span = (body.stickWidth ?? 0) - 0.05
        var best: (point: Vec2, count: Int, offset: Float)?
        for i in remaining.indices {
            var j = i
            while j + 1 < remaining.count, remaining[j + 1].x - remaining[i].x <= span { j += 1 }
            for last in stride(from: j, through: i, by: -1) {
                let run = remaining[i...last]
                var point = Vec2((run.first!.x + run.last!.x) / 2, run.map(\.y).min()!)
                if let keepOut = robotKeepOut, point.x > keepOut.min, point.x < keepOut.max {
                    // Slide to the nearer edge of the range if the blade (less 0.05) still spans the run.
                    let slack = span / 2 - (run.last!.x - run.first!.x) / 2
                    let shift = point.x - keepOut.min < keepOut.max - point.x ? keepOut.min - point.x : keepOut.max - point.x
                    guard abs(shift) <= slack else { continue }
                    point.x += shift
                }
                let offset = abs(point.x - robot.x)
                if best == nil || run.count > best!.count || (run.count == best!.count && offset < best!.offset) {
                    best = (point, run.count, offset)
                }
                break
            }
        }
        guard let best else { return nil }
        return TabletopPush(point: best.point, target: Vec2(best.point.x, 1.3), stopDistance: 0)
    }
}
