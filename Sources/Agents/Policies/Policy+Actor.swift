import NeuralNets
import SandboxCore

/// A policy trained outside PPO and SAC (CPL, behaviour cloning): a deterministic tanh actor stored as
/// a squashed `Policy`, so that `sandbox eval --policy` and `rollout --policy` use it unchanged.
extension Policy {
    /// A new squashed policy for `task` (continuous actions) under `algorithm`'s name. Its deterministic
    /// action is the tanh of the mean head rescaled to the action bounds; the log-std head is kept so
    /// that the file has a squashed policy's layout, and is not trained by deterministic learners.
    /// Observations are normalised with `normalizer` (fixed statistics of a data set) when given.
    /// `algorithm` is one of `PolicyConfiguration.knownAlgorithms`, so that the saved file loads again.
    public static func actor(algorithm: String, task: TaskSpec, options: [String: Double] = [:], hiddenSizes: [Int],
                             activation: Activation = .relu, normalizer: RunningMeanStd? = nil, seed: UInt64) throws -> Policy {
        guard PolicyConfiguration.knownAlgorithms.contains(algorithm) else {
            throw AgentError.invalidConfiguration("a saved policy's algorithm is one of \(PolicyConfiguration.knownAlgorithms.joined(separator: ", ")), not '\(algorithm)'")
        }
        guard let space = task.actionSpace.box else {
            throw AgentError.invalidConfiguration("\(algorithm) needs continuous actions; \(task.id) has discrete ones")
        }
        guard !hiddenSizes.isEmpty else { throw AgentError.invalidConfiguration("\(algorithm)'s actor needs at least one hidden layer") }
        var generator = SeededGenerator(seed: seed)
        let policy = Policy(PolicyConfiguration(
            algorithm: algorithm, task: task.name, taskVersion: task.version, taskOptions: options.isEmpty ? task.defaultOptions : options,
            observationSize: task.observationSpace.count, actionSize: space.count, hiddenSizes: hiddenSizes, activation: activation,
            squashed: true, actionLow: space.low, actionHigh: space.high, normalizeObservations: normalizer != nil), using: &generator)
        policy.observationNormalizer = normalizer
        return policy
    }

    /// The deterministic action in the network's range [−1, 1] for each row of `observations` (raw,
    /// normalised here), as a [N, actions] tensor whose graph reaches the policy's weights.
    public func networkMean(_ observations: [[Float]]) -> Tensor {
        let (mean, _) = distributionParameters(input(observations))
        return configuration.squashed ? mean.tanh() : mean
    }

    /// An environment action mapped to the network's range [−1, 1] (the inverse of the rescaling a
    /// squashed policy applies), clipped to ±(1 − 1e-5) as CPL's actor targets are.
    public func networkAction(_ action: [Float]) -> [Float] {
        let c = configuration
        guard c.squashed else { return action }
        let bound: Float = 1 - 1e-5
        return (0..<c.actionSize).map { i in
            let span = c.actionHigh[i] - c.actionLow[i]
            let x = span > 0 ? 2 * (action[i] - c.actionLow[i]) / span - 1 : 0
            return Swift.min(Swift.max(x, -bound), bound)
        }
    }

    /// Parameters that a deterministic learner trains: everything but the unused log-std head.
    public var actorParameters: [Tensor] {
        namedParameters.filter { !$0.name.hasPrefix("log_std") }.map(\.tensor)
    }
}
