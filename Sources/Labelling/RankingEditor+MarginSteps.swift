import Foundation
import SandboxCore

extension RankingEditor {
    /// A margin step per term: a hundredth of the spread of that term's return over 50-step segments of
    /// `environment`'s heuristic episodes, rounded to one significant digit (0.1 when the term never moves).
    public static func marginSteps(for environment: any Environment) throws -> [String: Double] {
        let spec = environment.spec
        var sums = Array(repeating: [Double](), count: spec.rewardTerms.count)
        for seed in 0..<3 {
            let episode = try Rollout.run(environment, controller: environment.makeHeuristic(), seed: UInt64(seed), maxSteps: 300)
            for start in stride(from: 0, to: episode.termTrace.count, by: 50) {
                let window = episode.termTrace[start..<Swift.min(start + 50, episode.termTrace.count)]
                for t in sums.indices { sums[t].append(window.reduce(0) { $0 + $1[t] }) }
            }
        }
        var steps: [String: Double] = [:]
        for (t, term) in spec.rewardTerms.enumerated() {
            let spread = (sums[t].max() ?? 0) - (sums[t].min() ?? 0)
            guard spread > 0 else { steps[term] = 0.1; continue }
            let raw = spread / 100
            let magnitude = pow(10, floor(log10(raw)))
            steps[term] = (raw / magnitude).rounded() * magnitude
        }
        return steps
    }
}
