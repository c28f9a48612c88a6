import Foundation
import NeuralNets
import RewardLearning

/// How well a learned reward agrees with the privileged ground truth on held-out rollouts, measured two
/// ways:
/// - **within** each trajectory, per step, as the released code computes it
///   (preference_representation_train/compute_corr.py): Spearman ρ between the series of −c_t and of the
///   learned per-frame reward, every `stride`-th step, averaged over rollouts (constant series skipped);
/// - **across** episodes: Spearman ρ between each rollout's learned return Σ_t r_t and −c_T, the
///   quantity the person ranks by.
public struct RewardCorrelation: Sendable, Codable {
    public var method: String
    public var withinMean: Double
    public var withinStd: Double
    public var across: Double
    public var rollouts: Int

    /// - Parameters:
    ///   - learned: per-frame rewards of each rollout (T + 1 values).
    ///   - costs: the privileged costs c_0 … c_T of each rollout.
    public static func measure(method: String, learned: [[Double]], costs: [[Double]], stride: Int = 4) -> RewardCorrelation {
        var within: [Double] = []
        for (r, c) in zip(learned, costs) {
            let steps = Array(Swift.stride(from: 0, to: Swift.min(r.count, c.count), by: stride))
            guard steps.count >= 3 else { continue }
            let rho = Correlation.spearman(steps.map { r[$0] }, steps.map { -c[$0] })
            if rho.isFinite { within.append(rho) }
        }
        let mean = within.isEmpty ? .nan : within.reduce(0, +) / Double(within.count)
        let std = within.count > 1 ? (within.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(within.count - 1)).squareRoot() : .nan
        let across = Correlation.spearman(learned.map { $0.reduce(0, +) }, costs.map { -$0.last! })
        return RewardCorrelation(method: method, withinMean: mean, withinStd: std, across: across, rollouts: learned.count)
    }
}
