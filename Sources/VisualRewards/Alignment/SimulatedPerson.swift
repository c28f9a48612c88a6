import SandboxCore

/// RAPL's simulated person (preference_data_gen/generate_ranking.py, thomasrantian/mvp @ 3274577):
/// draw three distinct rollouts, rank them by the privileged cost at the last step, and keep the triplet
/// only when the three costs fall in separated bands (positive ≤ q_p, neutral in (q_n0, q_n1],
/// negative > q_m), so that every kept comparison is clear.
///
/// The released code's bands are absolute cost values for its Franka task (positive ≤ 0.05, neutral in
/// (0.05, 0.08], negative in (0.15, 0.20)); a task-independent person here places the bands at quantiles
/// of the pool's final costs, which keeps the same shape (a gap between neutral and negative) on any
/// task. Three rollouts that all fall in the positive band make an equal triplet, as the released code's
/// "all three costs < 0.08".
public struct SimulatedPerson: Sendable {
    /// Quantiles of the pool's final costs bounding the bands.
    public var positiveQuantile = 0.25
    public var neutralQuantiles = (low: 0.35, high: 0.6)
    public var negativeQuantile = 0.75
    /// Keep equal triplets (target 0.5); otherwise they are skipped.
    public var allowEqual = true

    public init(allowEqual: Bool = true) { self.allowEqual = allowEqual }

    /// The cost band edges for final costs `costs`.
    public func bands(for costs: [Double]) -> (positive: Double, neutralLow: Double, neutralHigh: Double, negative: Double) {
        let sorted = costs.sorted()
        func q(_ p: Double) -> Double { sorted[Swift.min(sorted.count - 1, Swift.max(0, Int((p * Double(sorted.count - 1)).rounded())))] }
        return (q(positiveQuantile), q(neutralQuantiles.low), q(neutralQuantiles.high), q(negativeQuantile))
    }

    /// Draws `count` triplets from rollouts with final costs `costs` (indices into it), trying at most
    /// `maxDraws` draws. Returns fewer when the bands are rarely met.
    public func triplets(count: Int, finalCosts costs: [Double], seed: UInt64, maxDraws: Int = 1_000_000) -> (triplets: [Triplet], draws: Int) {
        precondition(costs.count >= 3, "a triplet needs three rollouts")
        let b = bands(for: costs)
        var generator = SeededGenerator(seed: seed)
        var result: [Triplet] = []
        var seen = Set<[Int]>()
        var draws = 0
        while result.count < count && draws < maxDraws {
            draws += 1
            var picks: [Int] = []
            while picks.count < 3 {
                let i = Int.random(in: 0..<costs.count, using: &generator)
                if !picks.contains(i) { picks.append(i) }
            }
            let key = picks.sorted()
            if seen.contains(key) { continue }
            let ranked = picks.sorted { costs[$0] < costs[$1] }  // lowest cost first: positive
            let (p, n, m) = (costs[ranked[0]], costs[ranked[1]], costs[ranked[2]])
            if m <= b.positive {
                guard allowEqual else { continue }
                seen.insert(key)
                result.append(Triplet(positive: ranked[0], neutral: ranked[1], negative: ranked[2], equal: true))
            } else if p <= b.positive && n > b.neutralLow && n <= b.neutralHigh && m > b.negative {
                seen.insert(key)
                result.append(Triplet(positive: ranked[0], neutral: ranked[1], negative: ranked[2]))
            }
        }
        return (result, draws)
    }
}
