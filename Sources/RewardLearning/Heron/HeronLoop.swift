import Agents
import Foundation
import NeuralNets
import SandboxCore

/// HERON inside a training run: the agent's own transitions are compared in pairs by the comparison
/// tree of a reward-term ranking, a reward model (MLP 256-256-1) is trained with the Bradley–Terry loss
/// on those decisions, and the agent learns from the model. The model is retrained on a schedule (the
/// authors' code: from step 1,000, every 400 steps), and SAC's replay buffer is relabelled after each.
public final class HeronLoop {
    public struct Configuration: Sendable {
        /// What is compared: single transitions (per-step term values, as the released code does), or
        /// segments of `segmentLength` steps of one episode (summed terms, as the paper describes).
        public enum Unit: String, Sendable, CaseIterable { case transition, segment }
        /// All pairs within a minibatch (classic-control code), or each sample against one random
        /// partner (robotics code).
        public enum Pairing: String, Sendable, CaseIterable { case all, random }
        /// The reward model's input.
        public enum Input: String, Sendable, CaseIterable { case observation, observationAndTerms = "observation-terms" }

        public var unit = Unit.transition
        public var segmentLength = 25
        public var pairing = Pairing.all
        public var input = Input.observation
        /// Samples per minibatch, and minibatches per retraining (classic-control code: 16 and 16, so
        /// 120 pairs per minibatch with `all`).
        public var minibatchSize = 16
        public var minibatches = 16
        /// First retraining, and steps between retrainings (environment steps).
        public var startStep = 1000
        public var retrainEvery = 400
        /// Transitions kept (the oldest go first).
        public var bufferCapacity = 100_000
        /// Standardise the model's output for the agent (mean 0, standard deviation 1 over the pairs).
        public var normalizeOutput = true
        /// Count all-levels ties as equal instead of dropping them.
        public var tiesAsEqual = false
        /// With segments: whether a segment may run past a termination, its steps after it absorbing
        /// (worth 0 to the tree, as to the task), so that the model learns what an ended state is worth
        /// and the agent receives γ/(1 − γ) times it at a termination (`Endings.learned`, as `pbrl`
        /// does). Without it (`.off`), segments stop at episode ends and the agent gets nothing there.
        public var endings = Endings.learned
        /// Bradley–Terry fitting of each retraining: passes over its pairs, Adam's rate.
        public var fit: RewardFitter.Configuration = {
            var c = RewardFitter.Configuration()
            c.epochs = 1
            c.learningRate = 3e-4
            c.batchSize = 64
            c.heldOutFraction = 0.1
            return c
        }()
        public init() {}
    }

    public let configuration: Configuration
    public let tree: HeronTree
    public let trainer: any Trainer
    public let model: RewardEnsemble
    /// What the agent is rewarded by: the model, fed the term values too when its input has them.
    public let rewardModel: HeronRewardModel
    private let termNames: [String]
    /// Per copy of the task: the transitions seen, oldest first (observation, action, level values, ended).
    private var streams: [[Step]] = []
    /// One observed step of one copy of the task.
    struct Step {
        var observation: [Float]
        var action: [Float]
        var terms: [Double]
        var ended: Bool
        var terminated: Bool
        var final: [Float]?
    }
    private var stored = 0
    private var lastTraining: Int?
    private var generator: SeededGenerator
    private var episodeSums: [[Double]] = []
    private var finishedSums: [[Double]] = []
    public private(set) var retrainings = 0

    /// - Parameters:
    ///   - trainer: the agent, rewarded by `rewardModel` (`RewardSource.model`).
    ///   - rewardModel: made by `makeRewardModel` for the same input.
    public init(trainer: any Trainer, hierarchy: RewardHierarchy, rewardModel: HeronRewardModel, configuration: Configuration, seed: UInt64) {
        self.trainer = trainer
        self.configuration = configuration
        tree = HeronTree(hierarchy: hierarchy, tiesAsEqual: configuration.tiesAsEqual)
        model = rewardModel.model
        termNames = trainer.task.rewardTerms
        self.rewardModel = rewardModel
        generator = SeededGenerator(seed: seed)
        trainer.transitionObserver = { [unowned self] in self.observe($0) }
    }

    /// The reward model for a new run on `task`: one member, hidden 256-256 (HERON's MLP), on the
    /// observation or on the observation with the term values.
    public static func makeRewardModel(task: TaskSpec, configuration: Configuration, seed: UInt64) -> HeronRewardModel {
        let endings: Endings = configuration.unit == .segment ? configuration.endings : .off
        return HeronRewardModel(model: makeModel(task: task, input: configuration.input, endings: endings, seed: seed),
                                withTerms: configuration.input == .observationAndTerms, termCount: task.rewardTerms.count)
    }

    static func makeModel(task: TaskSpec, input: Configuration.Input, endings: Endings, seed: UInt64) -> RewardEnsemble {
        var generator = SeededGenerator(seed: SeedStream.rewardModel.seed(from: seed))
        var spec = task
        if input == .observationAndTerms {
            let count = task.observationSpace.count + task.rewardTerms.count
            spec = TaskSpec(name: task.name, version: task.version,
                            observationSpace: .box(BoxSpace(uniformLow: -Float.infinity, high: Float.infinity, shape: [count])),
                            actionSpace: task.actionSpace, rewardTerms: task.rewardTerms, maxEpisodeSteps: task.maxEpisodeSteps,
                            framesPerSecond: task.framesPerSecond, renderWidth: task.renderWidth, renderHeight: task.renderHeight,
                            defaultOptions: task.defaultOptions, summary: task.summary)
        }
        return RewardEnsemble(.init(task: spec, usesActions: false, hiddenSizes: [256, 256], ensembleSize: 1, endings: endings), using: &generator)
    }

    /// Records the agent's transitions (the trainer calls it every step).
    func observe(_ step: ObservedTransitions) {
        let n = step.observations.count
        if streams.count < n {
            streams += Array(repeating: [], count: n - streams.count)
            episodeSums += Array(repeating: [Double](repeating: 0, count: termNames.count), count: n - episodeSums.count)
        }
        for i in 0..<n {
            streams[i].append(Step(observation: step.observations[i], action: step.actions[i], terms: step.terms[i], ended: step.episodeEnded[i],
                                   terminated: step.terminated[i], final: step.finalObservations[i]))
            for t in 0..<termNames.count { episodeSums[i][t] += step.terms[i][t] }
            if step.episodeEnded[i] {
                finishedSums.append(episodeSums[i])
                episodeSums[i] = [Double](repeating: 0, count: termNames.count)
            }
        }
        stored += n
        // Keep the buffer within its capacity, dropping the oldest of the longest streams.
        let limit = max(configuration.bufferCapacity / max(n, 1), configuration.segmentLength + 1)
        for i in 0..<n where streams[i].count > limit + limit / 4 {
            streams[i].removeFirst(streams[i].count - limit)
        }
    }

    /// Retrains the model when one is due; returns its metrics and the per-term episode sums of the
    /// episodes finished since the last call (`terms/<name>`).
    public func beforeIteration() throws -> [String: Double] {
        var metrics: [String: Double] = [:]
        if !finishedSums.isEmpty {
            for (t, name) in termNames.enumerated() {
                metrics["terms/\(name)"] = finishedSums.reduce(0) { $0 + $1[t] } / Double(finishedSums.count)
            }
            finishedSums = []
        }
        let step = trainer.globalStep
        guard step >= configuration.startStep, step - (lastTraining ?? Int.min / 2) >= configuration.retrainEvery else { return metrics }
        let elapsed = lastTraining.map { step - $0 } ?? configuration.retrainEvery
        lastTraining = step
        metrics.merge(try retrain(elapsedSteps: elapsed)) { $1 }
        return metrics
    }

    /// One retraining: minibatches of the buffer's samples compared by the tree, then a Bradley–Terry
    /// fit. When more than `retrainEvery` steps passed since the last (PPO's rollouts are long), the
    /// retraining draws proportionally more minibatches, up to 8 times as many.
    public func retrain(elapsedSteps: Int? = nil) throws -> [String: Double] {
        let levels = tree.hierarchy.levels.count
        guard let _ = sample() else { return [:] }
        // δ over the buffer: the levels' standard deviations over up to 5,000 samples.
        let bufferRows = (0..<min(5000, max(stored, 2))).compactMap { _ in sample()?.levels }
        let bufferScales = columnStandardDeviations(bufferRows, columns: levels)
        let rounds = configuration.minibatches * min(8, max(1, (elapsedSteps ?? configuration.retrainEvery) / max(configuration.retrainEvery, 1)))
        var pairs: [PreferencePair] = []
        var decidedAt = [Int](repeating: 0, count: levels)
        var ties = 0, compared = 0
        for _ in 0..<rounds {
            let batch = (0..<configuration.minibatchSize).compactMap { _ in sample() }
            guard batch.count >= 2 else { break }
            let deltas = tree.margins(bufferScales: bufferScales, batchScales: columnStandardDeviations(batch.map(\.levels), columns: levels))
            var indexPairs: [(Int, Int)] = []
            switch configuration.pairing {
            case .all:
                for i in 0..<batch.count { for j in 0..<i { indexPairs.append((i, j)) } }
            case .random:
                for i in 0..<batch.count {
                    var j = generator.integer(0, batch.count - 1)
                    if j >= i { j += 1 }
                    indexPairs.append((i, j))
                }
            }
            for (i, j) in indexPairs {
                compared += 1
                switch tree.decide(batch[i].levels, batch[j].levels, deltas: deltas) {
                case .decided(let firstPreferred, let level):
                    decidedAt[level] += 1
                    pairs.append(PreferencePair(first: batch[i].segment, second: batch[j].segment, firstPreferred: firstPreferred ? 1 : 0))
                case .tie:
                    ties += 1
                    if configuration.tiesAsEqual { pairs.append(PreferencePair(first: batch[i].segment, second: batch[j].segment, firstPreferred: 0.5)) }
                }
            }
        }
        var metrics: [String: Double] = ["heron/pairs": Double(compared), "heron/dropped": Double(configuration.tiesAsEqual ? 0 : ties) / Double(max(compared, 1)),
                                         "heron/ties": Double(ties) / Double(max(compared, 1))]
        for (l, count) in decidedAt.enumerated() { metrics["heron/decided_level_\(l)"] = Double(count) / Double(max(compared, 1)) }
        guard !pairs.isEmpty else { return metrics }
        let report = try RewardFitter(configuration: configuration.fit).fit(model, pairs: pairs, seed: generator.next(), updateNormalization: retrainings == 0)
        if !configuration.normalizeOutput {
            model.configuration.outputMean = 0
            model.configuration.outputStd = 1
        }
        retrainings += 1
        metrics["heron/rm_loss"] = report.trainingLoss
        metrics["heron/rm_accuracy"] = report.heldOutAccuracy
        metrics["heron/retrainings"] = Double(retrainings)
        (trainer as? any OffPolicyTrainer)?.relabelReplayBuffer()
        return metrics
    }

    /// One random sample of the buffer for the tree: a transition, or a window of `segmentLength` steps
    /// of one episode; with its level values and its model input as a segment. Nil while the buffer
    /// holds none (a few draws are tried for a window that does not cross an episode's end).
    private func sample() -> (levels: [Double], segment: Segment)? {
        let withTerms = configuration.input == .observationAndTerms
        func input(_ observation: [Float], _ terms: [Double]) -> [Float] { withTerms ? observation + terms.map(Float.init) : observation }
        let length = configuration.unit == .transition ? 1 : configuration.segmentLength
        let absorbing = configuration.unit == .segment && configuration.endings == .learned
        let usable = streams.indices.filter { streams[$0].count >= (absorbing ? 1 : length) }
        guard !usable.isEmpty else { return nil }
        for _ in 0..<20 {
            let stream = streams[usable[generator.integer(0, usable.count)]]
            let start = generator.integer(0, max(stream.count - (absorbing ? 1 : length), 0) + 1)
            var window = Array(stream[start..<min(start + length, stream.count)])
            // A window stops at its episode's end: past a termination its steps are absorbing (when
            // endings are learned); past the time limit, or anywhere else, it is drawn again.
            var ended: Step?
            if let end = window.firstIndex(where: \.ended), end < window.count - 1 || window.count < length {
                guard absorbing, window[end].terminated, window[end].final != nil else { continue }
                ended = window[end]
                window = Array(window[...end])
            } else if window.count < length {
                continue
            } else if absorbing, let last = window.last, last.terminated, last.final != nil {
                ended = last
            }
            var sums = [Double](repeating: 0, count: termNames.count)
            for t in window { for k in 0..<sums.count { sums[k] += t.terms[k] } }
            let segment = Segment(observations: window.map { input($0.observation, $0.terms) }, actions: window.map(\.action),
                                  trueRewards: [Double](repeating: 0, count: window.count), absorbingSteps: length - window.count,
                                  finalObservation: ended.map { input($0.final!, [Double](repeating: 0, count: termNames.count)) })
            return (tree.levelValues(terms: sums, termNames: termNames), segment)
        }
        return nil
    }
}

/// HERON's reward for the agent: the model's output on the observation, or on the observation with the
/// step's term values appended.
public final class HeronRewardModel: RewardModel {
    public let model: RewardEnsemble
    public let withTerms: Bool
    let termCount: Int

    public init(model: RewardEnsemble, withTerms: Bool, termCount: Int) {
        self.model = model
        self.withTerms = withTerms
        self.termCount = termCount
    }

    public var summary: String { "heron(\(withTerms ? "observation+terms" : "observation"))" }

    public func rewards(observations: [[Float]], actions: [[Float]], terms: [[Double]]) -> [Float] {
        guard withTerms else { return model.rewards(observations: observations, actions: actions) }
        let inputs = zip(observations, terms).map { $0 + $1.map(Float.init) }
        return model.rewards(observations: inputs, actions: actions)
    }

    /// What an ended state is worth per step, when the model learned it (segments with `.learned` endings).
    public func absorbingRewards(finalObservations: [[Float]]) -> [Float]? {
        let inputs = withTerms ? finalObservations.map { $0 + [Float](repeating: 0, count: termCount) } : finalObservations
        return model.absorbingRewards(finalObservations: inputs)
    }

    /// Without term values, a terms-input model sees zeros for them.
    public func rewards(observations: [[Float]], actions: [[Float]]) -> [Float] {
        rewards(observations: observations, actions: actions,
                terms: Array(repeating: [Double](repeating: 0, count: termCount), count: observations.count))
    }
}
