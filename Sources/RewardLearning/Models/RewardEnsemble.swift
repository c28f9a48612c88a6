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
        /// Whether agents receive the ended state's reward at terminations (`absorbingRewards`); nil
        /// (models saved before the option existed) means yes. Off, a terminated episode is worth 0
        /// and the reward's free offset decides whether ending early pays.
        public var endingBonus: Bool?

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

    public init<G: RandomNumberGenerator>(_ configuration: Configuration, using generator: inout G) {
        precondition(configuration.ensembleSize > 0, "an ensemble needs at least one member")
        self.configuration = configuration
        members = (0..<configuration.ensembleSize).map { _ in
            MLP(.init(inputSize: configuration.inputSize, hiddenSizes: configuration.hiddenSizes, outputSize: 1,
                      activation: configuration.activation), initializer: .pytorchDefault, using: &generator)
        }
    }

    public var namedParameters: [(name: String, tensor: Tensor)] {
        members.enumerated().flatMap { i, m in m.namedParameters.map { ("members.\(i).\($0.name)", $0.tensor) } }
    }

    /// The action that stands for "no action" on absorbing steps (all zeros).
    var absorbingAction: [Float] { [Float](repeating: 0, count: configuration.actionSize) }

    /// Rewards of the absorbing steps after episodes ended in `finalObservations`: the networks at the
    /// final observation with a zero action (or the observation alone).
    public func absorbingRewards(finalObservations: [[Float]]) -> [Float]? {
        guard configuration.endingBonus ?? true else { return nil }
        return rewards(observations: finalObservations, actions: finalObservations.map { _ in absorbingAction })
    }

    /// The learned return of a segment: its real steps' rewards plus its absorbing steps', each the
    /// reward of its final observation held.
    public func segmentReturn(_ segment: Segment) -> Float {
        let real = rewards(observations: segment.observations, actions: segment.actions).reduce(0, +)
        guard segment.absorbingSteps > 0, let final = segment.finalObservation else { return real }
        return real + Float(segment.absorbingSteps) * rewards(observations: [final], actions: [absorbingAction])[0]
    }

    /// A segment's network inputs and the weight of each input row in its return: its real steps
    /// (weight 1), then, when it has absorbing steps, its final observation with the zero action
    /// (weight: the number of absorbing steps).
    func rows(_ segment: Segment) -> (observations: [[Float]], actions: [[Float]], weights: [Float]) {
        guard segment.absorbingSteps > 0, let final = segment.finalObservation else {
            return (segment.observations, segment.actions, [Float](repeating: 1, count: segment.realSteps))
        }
        return (segment.observations + [final], segment.actions + [absorbingAction],
                [Float](repeating: 1, count: segment.realSteps) + [Float(segment.absorbingSteps)])
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
        try model.load(file)
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
