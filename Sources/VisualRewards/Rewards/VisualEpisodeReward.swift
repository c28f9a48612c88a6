import Agents
import Foundation
import NeuralNets
import SandboxCore

/// The rewards from pixels that `sandbox rapl` trains and evaluates.
public enum VisualRewardMethod: String, Codable, Sendable, CaseIterable {
    /// RAPL: optimal transport against preferred demonstrations in the aligned embedding.
    case rapl
    /// The RLHF baseline: a Bradley–Terry reward per frame (frozen backbone + linear head).
    case rlhf
    /// Un-aligned OT (MVP-OT): optimal transport in the pretrained backbone's features.
    case ot
    /// XIRL's goal-embedding distance: −‖φ(o_t) − mean of the demonstrations' last-frame embeddings‖,
    /// in the pretrained backbone's features.
    case goal
    /// Ground truth: the task's reward for agents; −c_t (the privileged cost) in evaluations.
    case truth = "true"
}

/// How RAPL's per-frame transport cost becomes an RL reward.
public enum TransportRewardScaling: String, Codable, Sendable, CaseIterable {
    /// r_t = −Σ_j P_tj C_tj, the per-frame reward of the paper.
    case linear
    /// r_t = −10000·(Σ_j P_tj C_tj)², what the released code writes to its PPO buffer (mvp/ppo/ppo.py).
    case squared
}

/// A reward from an episode's frames: one of RAPL, RLHF, un-aligned OT or goal distance, against
/// demonstrations encoded once. Conforms to `EpisodeReward`, so PPO and SAC use it unchanged (the
/// policy observes state; the reward reads 64×64 frames, as XIRL's and RAPL's X-Magical setup).
public final class VisualEpisodeReward: EpisodeReward {
    public let encoder: FrameEncoder
    public let method: VisualRewardMethod
    public let scaling: TransportRewardScaling
    public let sinkhorn: Sinkhorn
    /// Demonstrations in the method's space (aligned embeddings for RAPL, features for OT), subsampled.
    private let demonstrations: [Tensor]
    /// The goal embedding (features of the demonstrations' last frames, averaged), for `goal`.
    private let goal: [Float]
    /// Demonstration frames kept per demonstration in the transport problem.
    public static let demonstrationFrames = 64

    /// - Parameter demonstrationFeatures: backbone features [T_k + 1, featureSize] of each preferred
    ///   demonstration (K = 6 in the paper).
    public init(encoder: FrameEncoder, method: VisualRewardMethod, demonstrationFeatures: [Tensor],
                scaling: TransportRewardScaling = .linear, sinkhorn: Sinkhorn = Sinkhorn()) {
        precondition(method != .truth, "the true reward is the task's; it has no visual form")
        precondition(!demonstrationFeatures.isEmpty || method == .rlhf, "\(method.rawValue) needs demonstrations")
        self.encoder = encoder
        self.method = method
        self.scaling = scaling
        self.sinkhorn = sinkhorn
        let sampled = demonstrationFeatures.map { $0.rows(TripletAlignment.subsample($0.shape[0], limit: Self.demonstrationFrames)) }
        demonstrations = method == .rapl ? sampled.map { encoder.embed($0).detached() } : sampled
        let size = encoder.configuration.featureSize
        var mean = [Float](repeating: 0, count: size)
        for d in demonstrationFeatures {
            let last = d.shape[0] - 1
            for k in 0..<size { mean[k] += d.data[last * size + k] / Float(demonstrationFeatures.count) }
        }
        goal = mean
    }

    public var summary: String { "\(method.rawValue)" + (method == .rapl || method == .ot ? "-\(scaling.rawValue)" : "") }

    public var frameSize: RenderSize? { try? RenderSize(width: encoder.configuration.frameSize, height: encoder.configuration.frameSize) }

    /// One reward per step: the reward of the frame each step led to.
    public func rewards(for episode: EpisodeTrace) -> [Float] {
        guard let features = try? encoder.features(episode.frames) else {
            preconditionFailure("\(summary) received frames that are not \(encoder.configuration.frameSize)×\(encoder.configuration.frameSize)")
        }
        let perFrame = frameRewards(features: features)
        let scaled = method == .rapl || method == .ot ? perFrame.map(scale) : perFrame
        return scaled.dropFirst().map(Float.init)
    }

    private func scale(_ r: Double) -> Double { scaling == .linear ? r : -10000 * r * r }

    /// Unscaled per-frame rewards for an episode's backbone features [T + 1, featureSize]: T + 1 values
    /// (for OT methods −Σ_j P_tj C_tj against the demonstration with the largest total).
    public func frameRewards(features: Tensor) -> [Double] {
        switch method {
        case .rapl, .ot:
            let rollout = method == .rapl ? encoder.embed(features).detached() : features
            var best: [Double] = []
            var bestTotal = -Double.infinity
            for demonstration in demonstrations {
                let rewards = VideoSimilarity.frameCosts(rollout, demonstration, sinkhorn: sinkhorn).map { -$0 }
                let total = rewards.reduce(0, +)
                if total > bestTotal { bestTotal = total; best = rewards }
            }
            return best
        case .rlhf:
            return encoder.frameRewards(features).data.map(Double.init)
        case .goal:
            let size = encoder.configuration.featureSize
            return (0..<features.shape[0]).map { t in
                var s = 0.0
                for k in 0..<size { let d = Double(features.data[t * size + k] - goal[k]); s += d * d }
                return -s.squareRoot()
            }
        case .truth:
            preconditionFailure("the true reward has no visual form")
        }
    }
}
