import Foundation

extension TabletopExpert {
    /// Where the long stick is in its current sweep.
    enum SweepPhase {
        /// Driving to the sweep's start pose by `TabletopPlanner`'s fastest path.
        case approach
        /// Driving along the sweep's normal: up to `BladeSweeps.steerLimit` off it to line the blade's
        /// centre up while far from the pieces, square to it near them.
        case advance
    }

    /// The long stick on Grouping: sweeps planned by `BladeSweeps`, one at a time, re-planned from the
    /// pieces' real positions after each.
    func sweepAction(pose: TabletopPlanner.Pose, debris: [Vec2]) -> [Float] {
        let r = Vec2(pose.x, pose.y), angle = pose.heading
        defer { sweepSteps += 1 }
        if sweep == nil {
            let state = BladeSweeps.State(pieces: debris, robot: r, angle: angle)
            let plan = BladeSweeps.plan(from: state, budget: Float(Grouping.episodeSteps - sweepSteps) - 4)
            guard let next = plan.first else { return [0, 0] }
            sweep = next
            sweepPhase = .approach
        }
        guard let s = sweep else { return [0, 0] }
        let a = s.axis, n = s.normal
        if sweepPhase == .approach {
            planner.obstacles = debris.map { .init(center: $0, radius: Self.debrisClearance) }
            let goal = TabletopPlanner.Pose(x: s.start.x, y: s.start.y, heading: s.angle)
            guard let move = planner.firstMove(from: pose, to: goal, tolerance: 0.05, headingTolerance: 0.1) else {
                // No way found: back off along the heading for room, and try again.
                return [-1, 0]
            }
            if move.steps > 0 { return [move.v / TabletopPlanner.speed, move.w / TabletopPlanner.turnRate] }
            sweepPhase = .advance
        }
        let left = s.reach - BladeSweeps.bladeReach - BladeSweeps.dot(n, r)
        // Done: at the line, or held up (by a wall) just short of it. The next step plans the next sweep.
        if left < 0.01 || (left < 0.1 && abs(pose.speed) < 0.02) {
            sweep = nil
            return [0, 0]
        }
        let limit = left > BladeSweeps.squareDistance ? BladeSweeps.steerLimit : 0.03
        // Turning the heading by δ moves the blade along its axis at −sin δ per unit travelled.
        let offset = Swift.max(-limit, Swift.min(limit, -2 * (s.center - BladeSweeps.dot(a, r))))
        let error = (s.angle + offset - angle).remainder(dividingBy: 2 * .pi)
        return [Swift.min(1, left / 0.15 + 0.15), turn(error)]
    }
}
