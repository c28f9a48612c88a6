import Foundation
import SandboxCore

/// How to choose which pairs of segments to ask about (B-Pref / PEBBLE).
public enum QuerySampler: String, Codable, Sendable, CaseIterable {
    /// Pairs drawn uniformly.
    case uniform
    /// Pairs on which the ensemble's members disagree most (standard deviation of P(first ≻ second)).
    case disagreement
    /// Pairs whose predicted preference is most uncertain (entropy of the mean P(first ≻ second)).
    case entropy

    /// Picks `count` pairs of segment indices from `segments`. Informed samplers score a pool of
    /// `poolFactor × count` uniformly drawn candidate pairs with `model` and keep the best.
    ///
    /// With `between`, every pair joins one segment of each range (in either order, at random): for
    /// example the agent's segments with demonstration segments.
    public func select(_ count: Int, from segments: [Segment], model: RewardEnsemble?, poolFactor: Int = 10,
                       between: (Range<Int>, Range<Int>)? = nil, using generator: inout SeededGenerator) -> [(Int, Int)] {
        guard segments.count >= 2, count > 0 else { return [] }
        if let (a, b) = between {
            precondition(!a.isEmpty && !b.isEmpty && a.upperBound <= segments.count && b.upperBound <= segments.count && !a.overlaps(b),
                         "select(between:) needs two disjoint, non-empty ranges of segment indices")
        }
        func randomPair() -> (Int, Int) {
            if let (a, b) = between {
                let i = generator.integer(a.lowerBound, a.upperBound), j = generator.integer(b.lowerBound, b.upperBound)
                return generator.integer(0, 2) == 0 ? (i, j) : (j, i)
            }
            let i = generator.integer(0, segments.count)
            var j = generator.integer(0, segments.count - 1)
            if j >= i { j += 1 }
            return (i, j)
        }
        guard self != .uniform, let model else { return (0..<count).map { _ in randomPair() } }
        let pool = (0..<(count * poolFactor)).map { _ in randomPair() }
        let scores = Self.scores(self, pool: pool, segments: segments, model: model)
        return zip(pool, scores).sorted { $0.1 > $1.1 }.prefix(count).map(\.0)
    }

    /// Each pair's score under the sampler (higher is asked first).
    static func scores(_ sampler: QuerySampler, pool: [(Int, Int)], segments: [Segment], model: RewardEnsemble) -> [Double] {
        // Each member's return for each distinct segment in the pool.
        let needed = Array(Set(pool.flatMap { [$0.0, $0.1] })).sorted()
        let all = needed.map { segments[$0] }
        let rows = all.map { model.rows($0) }
        let x = model.inputs(observations: rows.flatMap(\.observations), actions: rows.flatMap(\.actions), ended: rows.flatMap(\.ended))
        var memberReturns: [[Int: Double]] = []
        for outputs in model.memberOutputs(x) {
            var offset = 0
            var returns: [Int: Double] = [:]
            for (k, index) in needed.enumerated() {
                returns[index] = zip(outputs[offset..<(offset + rows[k].weights.count)], rows[k].weights).reduce(0) { $0 + Double($1.0 * $1.1) }
                offset += rows[k].weights.count
            }
            memberReturns.append(returns)
        }
        return pool.map { i, j in
            let p = memberReturns.map { 1 / (1 + exp(-($0[i]! - $0[j]!))) }
            let mean = p.reduce(0, +) / Double(p.count)
            switch sampler {
            case .disagreement:
                return (p.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(p.count)).squareRoot()
            case .entropy:
                let q = Swift.min(Swift.max(mean, 1e-12), 1 - 1e-12)
                return -(q * log(q) + (1 - q) * log(1 - q))
            case .uniform:
                return 0
            }
        }
    }
}
