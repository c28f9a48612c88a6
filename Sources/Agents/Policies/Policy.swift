import Foundation
import NeuralNets
import SandboxCore
import Rendering

/// What a saved policy is: enough to rebuild its network and use it on its task.
public struct PolicyConfiguration: Codable, Equatable, Sendable {
    public var algorithm: String
    public var task: String
    public var taskVersion: Int
    public var taskOptions: [String: Double]
    public var observationSize: Int
    public var actionSize: Int
    public var hiddenSizes: [Int]
    public var activation: Activation
    /// SAC's actions are tanh-squashed then rescaled to the action bounds; PPO's Gaussian mean is clipped.
    public var squashed: Bool
    public var actionLow: [Float]
    public var actionHigh: [Float]
    public var normalizeObservations: Bool

    public var taskID: String { "\(task)-v\(taskVersion)" }

    /// The algorithms a saved policy may name: the trainers' (`Algorithm`) and the learners that store a
    /// deterministic actor through `Policy.actor` (CPL writes "cpl").
    public static let knownAlgorithms: [String] = Algorithm.allCases.map(\.rawValue) + ["cpl"]

    /// Checks the settings a checkpoint stores before any network is built from them.
    func check(file: String) throws {
        func bad(_ what: String) -> CheckpointError { .corrupt(file, reason: "its stored settings have \(what); the file was edited or damaged — use the run's policy.safetensors or a checkpoint") }
        guard Self.knownAlgorithms.contains(algorithm) else {
            throw bad("algorithm '\(algorithm)' (\(Self.knownAlgorithms.joined(separator: ", ")))")
        }
        guard (1...1_000_000).contains(observationSize), (1...10_000).contains(actionSize) else {
            throw bad("\(observationSize)-d observations and \(actionSize)-d actions")
        }
        guard hiddenSizes.count <= 16, hiddenSizes.allSatisfy({ (1...16_384).contains($0) }) else { throw bad("hidden sizes \(hiddenSizes)") }
        guard actionLow.count == actionSize, actionHigh.count == actionSize,
              zip(actionLow, actionHigh).allSatisfy({ $0.isFinite && $1.isFinite && $0 <= $1 }) else {
            throw bad("action bounds that do not fit \(actionSize) actions")
        }
    }
}

/// A trained policy: maps observations to actions. PPO's is a Gaussian with a state-independent log
/// standard deviation; SAC's a tanh-squashed Gaussian with a state-dependent one.
public final class Policy: Controller, ParameterContainer {
    public static let checkpointKind = "policy"
    /// SB3's bounds on SAC's log standard deviation.
    static let logStdRange: ClosedRange<Float> = -20...2

    public let configuration: PolicyConfiguration
    /// PPO: observation → mean. SAC: observation → last hidden features.
    let body: MLP
    /// SAC heads on the body's features.
    let meanHead: Linear?
    let logStdHead: Linear?
    /// PPO's state-independent log standard deviation.
    let logStd: Tensor?
    public var observationNormalizer: RunningMeanStd?

    init<G: RandomNumberGenerator>(_ configuration: PolicyConfiguration, logStdInit: Float = 0, using generator: inout G) {
        self.configuration = configuration
        let c = configuration
        if c.squashed {
            body = MLP(.init(inputSize: c.observationSize, hiddenSizes: Array(c.hiddenSizes.dropLast()), outputSize: c.hiddenSizes.last!,
                             activation: c.activation, outputActivation: c.activation), initializer: .pytorchDefault, using: &generator)
            meanHead = Linear(c.hiddenSizes.last!, c.actionSize, using: &generator)
            logStdHead = Linear(c.hiddenSizes.last!, c.actionSize, using: &generator)
            logStd = nil
        } else {
            // Orthogonal init, gain √2 for hidden layers and 0.01 for the policy head (SB3, CleanRL).
            body = MLP(.init(inputSize: c.observationSize, hiddenSizes: c.hiddenSizes, outputSize: c.actionSize, activation: c.activation),
                       initializer: .orthogonal(gain: Float(2).squareRoot()), outputGain: 0.01, using: &generator)
            meanHead = nil
            logStdHead = nil
            logStd = Tensor(shape: [c.actionSize], data: Array(repeating: logStdInit, count: c.actionSize), requiresGrad: true)
        }
        observationNormalizer = c.normalizeObservations ? RunningMeanStd(size: c.observationSize) : nil
    }

    public var namedParameters: [(name: String, tensor: Tensor)] {
        var result = body.namedParameters.map { ("body.\($0.name)", $0.tensor) }
        if let meanHead { result += meanHead.namedParameters.map { ("mean_head.\($0.name)", $0.tensor) } }
        if let logStdHead { result += logStdHead.namedParameters.map { ("log_std_head.\($0.name)", $0.tensor) } }
        if let logStd { result.append(("log_std", logStd)) }
        return result
    }

    /// Normalised observations as a [N, obs] tensor.
    func input(_ observations: [[Float]]) -> Tensor {
        let rows = observationNormalizer.map { n in observations.map { n.normalize($0) } } ?? observations
        return Tensor(shape: [rows.count, configuration.observationSize], data: rows.flatMap { $0 })
    }

    /// The distribution's parameters (mean, log std) for a [N, obs] input; `frozen` builds no graph
    /// into the policy's weights (for targets and rollouts).
    func distributionParameters(_ x: Tensor, frozen: Bool = false) -> (mean: Tensor, logStd: Tensor) {
        if let meanHead, let logStdHead {
            let features = body(x, frozen: frozen)
            let mean = frozen ? Tensor.linear(features, weight: meanHead.weight.detached(), bias: meanHead.bias?.detached()) : meanHead(features)
            let logStd = frozen ? Tensor.linear(features, weight: logStdHead.weight.detached(), bias: logStdHead.bias?.detached())
                                : logStdHead(features)
            return (mean, logStd.clamp(min: Self.logStdRange.lowerBound, max: Self.logStdRange.upperBound))
        }
        return (body(x, frozen: frozen), frozen ? self.logStd!.detached() : self.logStd!)
    }

    /// Maps the network's action (after tanh for SAC) to the task's action space.
    func environmentAction(_ raw: [Float]) -> [Float] {
        let c = configuration
        if c.squashed {
            return (0..<c.actionSize).map { i in c.actionLow[i] + (raw[i] + 1) / 2 * (c.actionHigh[i] - c.actionLow[i]) }
        }
        return (0..<c.actionSize).map { i in Swift.min(Swift.max(raw[i], c.actionLow[i]), c.actionHigh[i]) }
    }

    /// The deterministic action (the mean, squashed or clipped) for one observation.
    public func action(for observation: [Float]) -> [Float] {
        let (mean, _) = distributionParameters(input([observation]))
        let raw = configuration.squashed ? mean.tanh().data : mean.data
        return environmentAction(raw)
    }

    /// A sampled action for one observation.
    public func sampledAction<G: RandomNumberGenerator>(for observation: [Float], using generator: inout G) -> [Float] {
        let (mean, logStd) = distributionParameters(input([observation]))
        let raw = configuration.squashed
            ? TanhGaussian(mean: mean, logStd: logStd).sample(using: &generator).data
            : DiagonalGaussian(mean: mean, logStd: logStd).sample(using: &generator).data
        return environmentAction(raw)
    }

    // MARK: checkpoints

    static let normalizerKey = "sandbox.observation_normalizer"

    /// Metadata every checkpoint holding this policy carries: the observation statistics at full
    /// (Double) precision, so that a loaded policy acts bit for bit as the saved one. They are also
    /// stored as float32 tensors `obs_norm.*` for Python readers.
    func checkpointMetadata() throws -> [String: String] {
        guard let observationNormalizer else { return [:] }
        return [Self.normalizerKey: try jsonString(observationNormalizer)]
    }

    /// Saves the policy alone (weights, configuration, observation statistics), atomically.
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        try Checkpoint.save(self, kind: Self.checkpointKind, configuration: configuration,
                            extra: observationNormalizer?.tensors(prefix: "obs_norm") ?? [:],
                            metadata: metadata.merging(try checkpointMetadata()) { a, _ in a }, to: url)
    }

    /// Restores the observation statistics from a checkpoint.
    func loadNormalizer(from file: SafeTensorsFile) throws {
        guard configuration.normalizeObservations else { return }
        if let json = file.metadata[Self.normalizerKey],
           let exact = try? JSONDecoder().decode(RunningMeanStd.self, from: Data(json.utf8)) {
            observationNormalizer = exact
        } else if let approximate = RunningMeanStd(file: file, prefix: "obs_norm") {
            observationNormalizer = approximate
        } else {
            throw CheckpointError.missingTensor("obs_norm.mean")
        }
    }

    /// Loads a policy saved by `save` (or the policy part of a training checkpoint).
    public static func load(from url: URL) throws -> Policy {
        let (configuration, file) = try Checkpoint.read(url, kind: checkpointKind, configuration: PolicyConfiguration.self)
        try configuration.check(file: url.path)
        var generator = SeededGenerator(seed: 0)
        let policy = Policy(configuration, using: &generator)
        try policy.load(file)
        try policy.loadNormalizer(from: file)
        return policy
    }

    /// Makes the policy's task from `tasks` (with the options it was trained with), checking the version.
    public func makeEnvironment(in tasks: TaskRegistry, overriding options: [String: Double] = [:]) throws -> any Environment {
        let spec = try tasks.spec(for: configuration.task)
        guard spec.version == configuration.taskVersion else {
            throw AgentError.checkpointMismatch("policy was trained on \(configuration.taskID) but this build has \(spec.id); use the sandbox version it was trained with")
        }
        let environment = try tasks.make(configuration.taskID, options: configuration.taskOptions.merging(options) { $1 })
        guard environment.spec.observationSpace.count == configuration.observationSize,
              environment.spec.actionSpace.count == configuration.actionSize else {
            throw AgentError.checkpointMismatch("policy's spaces (\(configuration.observationSize) → \(configuration.actionSize)) do not match \(spec.id)")
        }
        return environment
    }
}
