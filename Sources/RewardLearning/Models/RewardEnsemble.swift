import Agents
import Foundation
import NeuralNets
import SandboxCore

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
        /// Input normalisation (per feature: observation, then action), applied before the networks.
        public var inputMean: [Float]
        public var inputStd: [Float]
        /// How terminations are valued (`Endings`); nil in models saved before the option, which
        /// follow `endingBonus`. Read it through `endingRule`.
        public var endings: Endings?
        /// Older models' switch: false means `.off`. Not written by new models.
        public var endingBonus: Bool?
        /// Whether every member's reward is held at or below 0 (−softplus of the network's output);
        /// nil in models saved before the option (not held). Read it through `isNonPositive`.
        public var nonPositive: Bool?
        /// Whether rewards are at most 0. With `.zero` endings, ending an episode (worth 0 from then
        /// on) is never worse than a step, so a segment that ends early can lose a comparison only
        /// through its own steps: a crash must be paid for at the crash, not by a bonus for staying
        /// in the air, and the agent is never paid merely to keep its episode going.
        public var isNonPositive: Bool { nonPositive ?? false }
        /// The rule in force: `endings`, else what an older model's `endingBonus` meant.
        public var endingRule: Endings { endings ?? ((endingBonus ?? true) ? .learned : .off) }

        public init(task: TaskSpec, usesActions: Bool = true, hiddenSizes: [Int] = [256, 256, 256], activation: Activation = .leakyRelu,
                    ensembleSize: Int = 3, endings: Endings = .zero, nonPositive: Bool = false) {
            self.endings = endings
            self.nonPositive = nonPositive
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
            let features = observationSize + (usesActions ? actionSize : 0)
            inputMean = Array(repeating: 0, count: features)
            inputStd = Array(repeating: 1, count: features)
        }

        /// Observation and action features (what the input normalisation covers).
        public var featureSize: Int { observationSize + (usesActions ? actionSize : 0) }
        /// The networks' input: the features, then, under `.terminal` endings, an "ended" flag (1 on an
        /// ended-state row, 0 on real steps), so that an ending's reward cannot blur into the states
        /// before it (Kostrikov et al. 2019 mark absorbing states the same way). Fixed when the model
        /// is made.
        public var inputSize: Int { featureSize + (endingRule == .terminal ? 1 : 0) }
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
    public var absorbingAction: [Float] { [Float](repeating: 0, count: configuration.actionSize) }

    /// Rewards of the absorbing steps after episodes ended in `finalObservations`: the networks at the
    /// final observation with a zero action (or the observation alone).
    /// The reward of each absorbing step after an ended state, under `.learned` endings only: under
    /// `.zero` and `.terminal` absorbing steps are worth 0 and the reward is not shifted (see
    /// `RewardFitter.standardizeOutput`), so nothing is owed; under `.off` the ended state is left out.
    public func absorbingRewards(finalObservations: [[Float]]) -> [Float]? {
        guard configuration.endingRule == .learned else { return nil }
        return rewards(observations: finalObservations, actions: finalObservations.map { _ in absorbingAction })
    }

    /// The reward of reaching an ended state, received once at the termination, under `.terminal`
    /// endings: the networks at the final observation with a zero action.
    public func terminalRewards(finalObservations: [[Float]]) -> [Float]? {
        guard configuration.endingRule == .terminal else { return nil }
        return rewards(observations: finalObservations, actions: finalObservations.map { _ in absorbingAction },
                       ended: finalObservations.map { _ in true })
    }

    /// The learned return of a segment, the same sum as `rows` weighs: its real steps' rewards, plus
    /// its final observation's reward held on each absorbing step (`.learned`, `.off`) or counted
    /// once where the segment reaches its episode's termination (`.terminal`).
    public func segmentReturn(_ segment: Segment) -> Float {
        let r = rows(segment)
        return zip(rewards(observations: r.observations, actions: r.actions, ended: r.ended), r.weights).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// A segment's network inputs and the weight of each input row in its return: its real steps
    /// (weight 1), then its final observation with the zero action, weighted by the number of
    /// absorbing steps (`.learned`, `.off`: the ended state held) or by 1 when the segment reaches the
    /// termination (`.terminal`). Under `.zero` the rows are the real steps only.
    /// `ended` marks the final observation's row.
    func rows(_ segment: Segment) -> (observations: [[Float]], actions: [[Float]], weights: [Float], ended: [Bool]) {
        let real = [Float](repeating: 1, count: segment.realSteps)
        let notEnded = [Bool](repeating: false, count: segment.realSteps)
        guard let final = segment.finalObservation else { return (segment.observations, segment.actions, real, notEnded) }
        switch configuration.endingRule {
        case .learned, .off:
            guard segment.absorbingSteps > 0 else { return (segment.observations, segment.actions, real, notEnded) }
            return (segment.observations + [final], segment.actions + [absorbingAction], real + [Float(segment.absorbingSteps)], notEnded + [true])
        case .terminal:
            return (segment.observations + [final], segment.actions + [absorbingAction], real + [1], notEnded + [true])
        case .zero:
            return (segment.observations, segment.actions, real, notEnded)
        }
    }

    public var summary: String { "\(configuration.ensembleSize)×MLP\(configuration.hiddenSizes) on \(configuration.usesActions ? "(s, a)" : "s") for \(configuration.taskID)" }

    /// Normalised network inputs [N, inputSize]; `ended` marks ended-state rows (nil: none), which
    /// only `.terminal` models take as an input.
    public func inputs(observations: [[Float]], actions: [[Float]], ended: [Bool]? = nil) -> Tensor {
        let c = configuration
        let flagged = c.inputSize > c.featureSize
        var data = [Float]()
        data.reserveCapacity(observations.count * c.inputSize)
        for (n, observation) in observations.enumerated() {
            let row = c.usesActions ? observation + actions[n] : observation
            for i in 0..<c.featureSize { data.append((row[i] - c.inputMean[i]) / c.inputStd[i]) }
            if flagged { data.append(ended?[n] == true ? 1 : 0) }
        }
        return Tensor(shape: [observations.count, c.inputSize], data: data)
    }

    /// Member `index`'s reward for a batch of inputs [N, inputSize], before standardisation: the
    /// network's output, or −softplus of it when the model is non-positive. Differentiable (training
    /// goes through it).
    public func memberReward(_ index: Int, _ x: Tensor) -> Tensor {
        let output = members[index](x)
        return configuration.isNonPositive ? -output.softplus() : output
    }

    /// Each member's reward for a batch before standardisation: [member][N].
    public func memberOutputs(_ x: Tensor) -> [[Float]] { members.indices.map { memberReward($0, x).data } }

    /// Each member's standardised reward for a batch, [member][N]: their spread is the ensemble's
    /// disagreement, in the same units as `rewards`.
    public func memberRewards(observations: [[Float]], actions: [[Float]], ended: [Bool]? = nil) -> [[Float]] {
        guard !observations.isEmpty else { return members.map { _ in [] } }
        return memberOutputs(inputs(observations: observations, actions: actions, ended: ended)).map { outputs in
            outputs.map { ($0 - configuration.outputMean) / configuration.outputStd }
        }
    }

    /// The ensemble's disagreement at each row: the standard deviation of its members' standardised
    /// rewards (the spread RUNE pays as an exploration bonus, and the disagreement sampler ranks by).
    public func spreads(observations: [[Float]], actions: [[Float]], ended: [Bool]? = nil) -> [Float] {
        let members = memberRewards(observations: observations, actions: actions, ended: ended)
        let k = Float(members.count)
        return (0..<observations.count).map { n in
            let mean = members.reduce(0) { $0 + $1[n] } / k
            return (members.reduce(0) { $0 + ($1[n] - mean) * ($1[n] - mean) } / k).squareRoot()
        }
    }

    public func rewards(observations: [[Float]], actions: [[Float]]) -> [Float] {
        rewards(observations: observations, actions: actions, ended: nil)
    }

    /// Rewards of rows, some of which may be ended-state rows.
    func rewards(observations: [[Float]], actions: [[Float]], ended: [Bool]?) -> [Float] {
        guard !observations.isEmpty else { return [] }
        let outputs = memberOutputs(inputs(observations: observations, actions: actions, ended: ended))
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
        func bad(_ what: String) -> CheckpointError { .corrupt(url.path, reason: "its stored settings have \(what); the file was edited or damaged — use the reward_model.safetensors a run wrote") }
        guard (1...64).contains(configuration.ensembleSize) else { throw bad("an ensemble of \(configuration.ensembleSize)") }
        guard (1...1_000_000).contains(configuration.observationSize), (0...10_000).contains(configuration.actionSize) else {
            throw bad("\(configuration.observationSize)-d observations and \(configuration.actionSize)-d actions")
        }
        guard configuration.hiddenSizes.count <= 16, configuration.hiddenSizes.allSatisfy({ (1...16_384).contains($0) }) else {
            throw bad("hidden sizes \(configuration.hiddenSizes)")
        }
        guard configuration.inputMean.count == configuration.featureSize, configuration.inputStd.count == configuration.featureSize,
              configuration.outputStd.isFinite, configuration.outputStd > 0, configuration.outputMean.isFinite else {
            throw bad("normalisation that does not fit its inputs")
        }
        var generator = SeededGenerator(seed: 0)
        let model = RewardEnsemble(configuration, using: &generator)
        try model.load(file)
        return model
    }
}

/// How a learned reward values the end of a terminated episode. A segment that runs past a
/// termination has absorbing steps, and the rule decides what they are worth to the model, to
/// simulated teachers and to agents.
public enum Endings: String, Codable, Sendable, CaseIterable {
    /// The ended state has a learned reward, held on every absorbing step (Kostrikov et al. 2019);
    /// teachers hold the episode's last reward there (Christiano et al. 2017), and agents are paid
    /// γ/(1 − γ)·r(ended state) at a termination, which makes the reward's free offset harmless.
    case learned
    /// Absorbing steps are worth exactly 0, to the model and to teachers: the task's own convention
    /// (nothing after the end). Segments that end early then have fewer rewarded steps, which pins the
    /// reward's offset; the reward is scaled but not shifted for the agent, and no bonus is needed.
    case zero
    /// As `.learned` for the model and teachers, but agents are given nothing at terminations (the
    /// loop's behaviour before absorbing steps existed), so the offset decides whether ending pays.
    case off
    /// As `.zero`, plus a learned reward for reaching the ended state, counted once where a segment
    /// reaches its episode's termination (the networks at the final observation with a zero action)
    /// and paid to agents once at each termination. It gives the model a place for an ending's worth
    /// (the task's +100 or −100 on its last step) other than the states before it.
    case terminal

    /// Whether absorbing steps are worth exactly 0 to the model, which pins the reward's offset (the
    /// reward is then scaled for agents, not shifted).
    public var pinsOffset: Bool { self == .zero || self == .terminal }

    /// What a simulated teacher counts on a segment's absorbing steps, given its real steps' rewards.
    public func teacherRewards(_ segment: Segment) -> [Double] {
        pinsOffset ? segment.trueRewards + [Double](repeating: 0, count: segment.absorbingSteps) : segment.paddedTrueRewards
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

extension RewardSource {
    /// The source for a specification on `task`, loading a `model:` file as a reward ensemble checked
    /// against the task.
    public init(_ specification: RewardSpecification, task: TaskSpec) throws {
        try self.init(specification, task: task, loadModel: { path in try RewardModelLoader.load(path: path, spec: task) })
    }
}
