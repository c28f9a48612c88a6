import Agents
import Foundation
import NeuralNets
import PhysicsEnvs

/// A learned reward: an ensemble of MLPs on (observation, action) — or on the observation alone — whose
/// mean output, standardised, is the reward the agent sees (Christiano et al. 2017; PEBBLE).
public final class RewardEnsemble: RewardModel, ParameterContainer {
    public static let checkpointKind = "reward_model"

    public struct Configuration: Codable, Equatable, Sendable {
        public var task: String
        public var taskVersion: Int
        public var observationSize: Int
        public var actionSize: Int
        /// Whether the reward reads the action too (r(s, a)) or the observation only (r(s)).
        public var usesActions: Bool
        public var hiddenSizes: [Int]
        public var activation: Activation
        public var ensembleSize: Int
        /// Output standardisation for the agent: r = (mean output − outputMean) / outputStd.
        public var outputMean: Float
        public var outputStd: Float
        /// Input normalisation (per input dimension), applied before the networks.
        public var inputMean: [Float]
        public var inputStd: [Float]

        public init(task: TaskSpec, usesActions: Bool = true, hiddenSizes: [Int] = [256, 256, 256], activation: Activation = .leakyRelu,
                    ensembleSize: Int = 3) {
            self.task = task.name
            taskVersion = task.version
            observationSize = task.observationSpace.count
            actionSize = task.actionSpace.count
            self.usesActions = usesActions
            self.hiddenSizes = hiddenSizes
            self.activation = activation
            self.ensembleSize = ensembleSize
            outputMean = 0
            outputStd = 1
            let inputs = observationSize + (usesActions ? actionSize : 0)
            inputMean = Array(repeating: 0, count: inputs)
            inputStd = Array(repeating: 1, count: inputs)
        }

        public var inputSize: Int { observationSize + (usesActions ? actionSize : 0) }
        public var taskID: String { "\(task)-v\(taskVersion)" }
    }

    public var configuration: Configuration
    public let members: [MLP]
    /// Each member's raw reward for an absorbing step, after its episode terminated (shape [1]).
    /// Learned from segments that run past a termination; see `Segment.absorbingSteps`.
    public let absorbingRewards: [Tensor]

    public init<G: RandomNumberGenerator>(_ configuration: Configuration, using generator: inout G) {
        precondition(configuration.ensembleSize > 0, "an ensemble needs at least one member")
        self.configuration = configuration
        members = (0..<configuration.ensembleSize).map { _ in
            MLP(.init(inputSize: configuration.inputSize, hiddenSizes: configuration.hiddenSizes, outputSize: 1,
                      activation: configuration.activation), initializer: .pytorchDefault, using: &generator)
        }
        absorbingRewards = members.map { _ in Tensor.zeros([1], requiresGrad: true) }
    }

    public var namedParameters: [(name: String, tensor: Tensor)] {
        members.enumerated().flatMap { i, m in
            m.namedParameters.map { ("members.\(i).\($0.name)", $0.tensor) } + [("members.\(i).absorbing_reward", absorbingRewards[i])]
        }
    }

    /// The parameters one member trains: its network and its absorbing-state reward.
    func parameters(ofMember index: Int) -> [Tensor] { members[index].parameters + [absorbingRewards[index]] }

    /// The reward the agent sees for an absorbing step, standardised like `rewards`. It is 0 when the
    /// output was standardised on absorbing steps, which then agrees with agents that value a
    /// terminated episode at 0.
    public var absorbingReward: Float {
        let mean = absorbingRewards.map { $0.data[0] }.reduce(0, +) / Float(absorbingRewards.count)
        return (mean - configuration.outputMean) / configuration.outputStd
    }

    /// The learned return of a segment: its real steps' rewards plus its absorbing steps'.
    public func segmentReturn(_ segment: Segment) -> Float {
        rewards(observations: segment.observations, actions: segment.actions).reduce(0, +) + Float(segment.absorbingSteps) * absorbingReward
    }

    public var summary: String { "\(configuration.ensembleSize)×MLP\(configuration.hiddenSizes) on \(configuration.usesActions ? "(s, a)" : "s") for \(configuration.taskID)" }

    /// Normalised network inputs [N, inputSize].
    public func inputs(observations: [[Float]], actions: [[Float]]) -> Tensor {
        let c = configuration
        var data = [Float]()
        data.reserveCapacity(observations.count * c.inputSize)
        for (n, observation) in observations.enumerated() {
            let row = c.usesActions ? observation + actions[n] : observation
            for i in 0..<c.inputSize { data.append((row[i] - c.inputMean[i]) / c.inputStd[i]) }
        }
        return Tensor(shape: [observations.count, c.inputSize], data: data)
    }

    /// Each member's raw output for a batch: [member][N].
    public func memberOutputs(_ x: Tensor) -> [[Float]] { members.map { $0(x).data } }

    public func rewards(observations: [[Float]], actions: [[Float]]) -> [Float] {
        guard !observations.isEmpty else { return [] }
        let outputs = memberOutputs(inputs(observations: observations, actions: actions))
        let k = Float(outputs.count)
        return (0..<observations.count).map { n in
            (outputs.map { $0[n] }.reduce(0, +) / k - configuration.outputMean) / configuration.outputStd
        }
    }

    public func save(to url: URL) throws {
        try Checkpoint.save(self, kind: Self.checkpointKind, configuration: configuration, to: url)
    }

    public static func load(from url: URL) throws -> RewardEnsemble {
        let (configuration, file) = try Checkpoint.read(url, kind: checkpointKind, configuration: Configuration.self)
        var generator = SeededGenerator(seed: 0)
        let model = RewardEnsemble(configuration, using: &generator)
        // Models saved before absorbing-state rewards existed have none: theirs is 0.
        var complete = file
        for (i, tensor) in model.absorbingRewards.enumerated() where file["members.\(i).absorbing_reward"] == nil {
            complete.tensors.append(("members.\(i).absorbing_reward", Tensor.zeros(tensor.shape)))
        }
        try model.load(complete)
        return model
    }
}

/// Loads `model:PATH` rewards for `sandbox train`, checking that the model fits the task.
public enum RewardModelLoader {
    public static func load(path: String, spec: TaskSpec) throws -> RewardEnsemble {
        let model = try RewardEnsemble.load(from: URL(fileURLWithPath: path))
        let c = model.configuration
        guard c.task == spec.name, c.taskVersion == spec.version else {
            throw AgentError.invalidReward("reward model \(path) was fitted for \(c.taskID), not \(spec.id)")
        }
        guard c.observationSize == spec.observationSpace.count, c.actionSize == spec.actionSpace.count else {
            throw AgentError.invalidReward("reward model \(path) expects \(c.observationSize)-d observations and \(c.actionSize)-d actions")
        }
        return model
    }
}
