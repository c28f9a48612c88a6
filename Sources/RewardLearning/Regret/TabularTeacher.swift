import GridWorlds
import SandboxCore

/// Which quantity a synthetic person compares segments by (Knox et al. 2022).
public enum SegmentStatistic: String, Sendable, CaseIterable, Codable {
    /// Σ r: the segment's partial return.
    case partialReturn = "partial-return"
    /// −Σ A*: how much worse than optimal the segment's actions were.
    case regret
}

/// A synthetic person labelling pairs of tabular segments under the true reward: noiseless (the
/// better segment; ties 0.5) or stochastic (the first preferred with probability σ(z)). Regret is
/// rounded to 2 decimals before comparison, as the authors do; partial return too, so that float sums
/// that should tie do.
public struct TabularTeacher: Sendable {
    public var statistic: SegmentStatistic
    public var stochastic: Bool
    public let mdp: TabularMDP
    public let weights: [Double]
    private let solution: TabularMDP.Solution

    public init(statistic: SegmentStatistic, stochastic: Bool = false, mdp: TabularMDP, weights: [Double]) {
        self.statistic = statistic
        self.stochastic = stochastic
        self.mdp = mdp
        self.weights = weights
        solution = mdp.solve(weights: weights)
    }

    /// How good a segment is by the teacher's statistic (higher is better: partial return, or −regret).
    public func score(_ segment: TabularSegment) -> Double {
        switch statistic {
        case .partialReturn: return segment.partialReturn(weights: weights)
        case .regret: return -segment.regret(solution)
        }
    }

    /// P(first ≻ second) as this teacher labels it.
    public func label(_ first: TabularSegment, _ second: TabularSegment, using generator: inout SeededGenerator) -> Double {
        let z = score(first) - score(second)
        if stochastic { return generator.uniform(0, 1) < logistic(z) ? 1 : 0 }
        let rounded = (score(first) * 100).rounded() - (score(second) * 100).rounded()
        return rounded > 0 ? 1 : rounded < 0 ? 0 : 0.5
    }

    /// `count` labelled pairs of random `length`-step segments.
    public func dataset(count: Int, length: Int = 3, seed: UInt64) -> [TabularPair] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let a = TabularSegment.random(in: mdp, length: length, using: &generator)
            let b = TabularSegment.random(in: mdp, length: length, using: &generator)
            return TabularPair(first: a, second: b, firstPreferred: label(a, b, using: &generator))
        }
    }
}
