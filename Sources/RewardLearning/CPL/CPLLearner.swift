import Agents
import Foundation
import NeuralNets
import SandboxCore

/// Contrastive Preference Learning (Hejna et al., ICLR 2024): a policy learned directly from labelled
/// segment pairs, with no reward model and no RL. Preferences are read as a regret model: the segment
/// whose actions have the higher optimal advantage is preferred, and with a maximum-entropy optimal
/// policy the advantage is α·log π*(a|s), so fitting π to `cplLoss` fits the advantage.
///
/// As in the authors' code (jhejna/cpl):
/// - the policy is a deterministic actor with a tanh output, so log π(a|s) = −‖a − μ(s)‖² (a
///   unit-variance Gaussian up to a constant), with actions in the network's [−1, 1] range clipped to
///   ±(1 − 1e-5). It is stored as a squashed `Policy` (its log-std head unused), so `sandbox eval` and
///   `rollout --policy` run it; observations are normalised by the data set's statistics;
/// - training starts with behaviour cloning (−log π on every labelled segment) for `bcSteps` steps,
///   then resets Adam and runs the CPL loss with a linear warm-up of the learning rate;
/// - α = 0.1 and the conservative bias λ = 0.5.
///
/// Steps after a terminated episode's end (absorbing steps) hold no action and add nothing to a score
/// (regret accrues no further after an ending). Smaller than the paper's: an MLP of 256 × 256 without
/// dropout, thousands of steps rather than 500k, sized for a 2-core machine.
public final class CPLLearner {
    public struct Configuration: Codable, Sendable, Equatable {
        /// Temperature α of the advantage α·log π.
        public var alpha: Float = 0.1
        /// λ, the weight of the dispreferred segment's score (0.5: CPL; 1: CPL (BC)).
        public var contrastiveBias: Float = 0.5
        /// Behaviour-cloning steps before CPL.
        public var bcSteps = 2000
        /// CPL steps after behaviour cloning.
        public var steps = 8000
        /// Pairs per CPL step; segments per behaviour-cloning step.
        public var batchSize = 32
        public var learningRate: Float = 3e-4
        /// Linear warm-up of the learning rate at the start of the CPL phase.
        public var warmupSteps = 500
        public var hiddenSizes = [256, 256]
        /// Gradient steps between evaluations (deterministic episodes of the task's true reward).
        public var evaluationInterval = 1000
        public var evaluationEpisodes = 5
        public init() {}
    }

    public let configuration: Configuration
    public let policy: Policy
    public let pairs: [PreferencePair]
    /// The distinct segments of the pairs (behaviour cloning's data).
    public let segments: [Segment]
    /// Gradient steps taken, behaviour cloning included.
    public private(set) var step = 0
    public var totalSteps: Int { configuration.bcSteps + configuration.steps }
    public var inBehaviourCloning: Bool { step < configuration.bcSteps }
    private var optimizer: Adam
    private var generator: SeededGenerator

    /// A learner on `pairs` (their segments from `task`, all of one length or padded to the longest
    /// in a batch). The observation statistics come from the pairs' segments.
    public init(task: TaskSpec, options: [String: Double] = [:], pairs: [PreferencePair], configuration: Configuration = Configuration(),
                seed: UInt64) throws {
        guard !pairs.isEmpty else { throw CPLError.noPairs }
        self.configuration = configuration
        self.pairs = pairs
        var unique: [Segment] = []
        var seen: Set<String> = []
        for pair in pairs {
            for s in [pair.first, pair.second] {
                let key = s.reference.map { "\($0.episode)|\($0.start)|\($0.length)" } ?? UUID().uuidString
                if seen.insert(key).inserted { unique.append(s) }
            }
        }
        segments = unique
        var statistics = RunningMeanStd(size: task.observationSpace.count)
        statistics.update(unique.flatMap(\.observations))
        policy = try Policy.actor(algorithm: "cpl", task: task, options: options, hiddenSizes: configuration.hiddenSizes,
                                  normalizer: statistics, seed: SeedStream.rewardModel.seed(from: seed))
        optimizer = Adam(parameters: policy.actorParameters, configuration: .init(learningRate: configuration.learningRate))
        generator = SeededGenerator(seed: seed)
    }

    /// Each segment's summed −‖a − μ(s)‖² over its real steps (padded to the longest), as a [segments]
    /// tensor whose graph reaches the policy; times α it is the CPL score.
    public func logLikelihoods(_ batch: [Segment]) -> Tensor {
        let length = batch.map(\.realSteps).max() ?? 0
        var rows: [[Float]] = [], targets: [Float] = [], mask: [Float] = []
        rows.reserveCapacity(batch.count * length)
        let actionSize = policy.configuration.actionSize
        for s in batch {
            for t in 0..<length {
                let real = t < s.realSteps
                let i = Swift.min(t, s.realSteps - 1)
                rows.append(s.observations[i])
                targets += real ? policy.networkAction(s.actions[i]) : [Float](repeating: 0, count: actionSize)
                mask.append(real ? 1 : 0)
            }
        }
        let mean = policy.networkMean(rows)
        let errors = (mean - Tensor(shape: [rows.count, actionSize], data: targets)).square().sum(axis: 1)
        return (errors * Tensor(shape: [rows.count], data: mask) * -1).reshaped([batch.count, length]).sum(axis: 1)
    }

    /// The CPL loss and accuracy (the share of labelled, unequal pairs whose preferred segment scores
    /// higher) on `batch`.
    public func loss(on batch: [PreferencePair]) -> (loss: Tensor, accuracy: Double) {
        let scores = logLikelihoods(batch.map(\.first) + batch.map(\.second)) * configuration.alpha
        let first = scores.rows(0..<batch.count), second = scores.rows(batch.count..<2 * batch.count)
        let loss = cplLoss(firstScores: first, secondScores: second, firstPreferred: Tensor(batch.map(\.firstPreferred)),
                           contrastiveBias: configuration.contrastiveBias)
        var right = 0, counted = 0
        for (i, pair) in batch.enumerated() where pair.firstPreferred != 0.5 {
            counted += 1
            if (first.data[i] > second.data[i]) == (pair.firstPreferred > 0.5) { right += 1 }
        }
        return (loss, counted == 0 ? .nan : Double(right) / Double(counted))
    }

    /// Behaviour cloning's loss on `batch`: the mean over real steps of −log π = ‖a − μ(s)‖².
    public func behaviourCloningLoss(on batch: [Segment]) -> Tensor {
        let steps = Float(Swift.max(batch.map(\.realSteps).reduce(0, +), 1))
        return logLikelihoods(batch).sum() * (-1 / steps)
    }

    /// One gradient step (behaviour cloning, then CPL); returns its named metrics.
    public func trainStep() -> [String: Double] {
        if step == configuration.bcSteps {
            // CPL resets the optimiser when behaviour cloning ends.
            optimizer = Adam(parameters: policy.actorParameters, configuration: .init(learningRate: configuration.learningRate))
        }
        var metrics: [String: Double] = [:]
        optimizer.zeroGrad()
        if inBehaviourCloning {
            let batch = (0..<configuration.batchSize).map { _ in segments[generator.integer(0, segments.count)] }
            let loss = behaviourCloningLoss(on: batch)
            loss.backward()
            metrics["losses/bc_loss"] = Double(loss.item)
            optimizer.learningRate = configuration.learningRate
        } else {
            let batch = (0..<configuration.batchSize).map { _ in pairs[generator.integer(0, pairs.count)] }
            let (loss, accuracy) = self.loss(on: batch)
            loss.backward()
            metrics["losses/cpl_loss"] = Double(loss.item)
            if !accuracy.isNaN { metrics["losses/cpl_accuracy"] = accuracy }
            let cplStep = step - configuration.bcSteps
            let warmup = configuration.warmupSteps > 0 ? Swift.min(1, Float(cplStep + 1) / Float(configuration.warmupSteps)) : 1
            optimizer.learningRate = configuration.learningRate * warmup
        }
        metrics["charts/learning_rate"] = Double(optimizer.learningRate)
        optimizer.step()
        step += 1
        return metrics
    }

    /// Mean and standard deviation of the true return over `episodes` deterministic episodes from seeds
    /// `seed`, `seed + 1`, …
    public func evaluate(in tasks: TaskRegistry, episodes: Int, seed: UInt64) throws -> (mean: Double, std: Double) {
        let environment = try policy.makeEnvironment(in: tasks)
        let returns = try (0..<episodes).map { e in
            try Rollout.run(environment, controller: policy, seed: seed &+ UInt64(e)).record.episodeReturn
        }
        let mean = returns.reduce(0, +) / Double(Swift.max(returns.count, 1))
        let variance = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(Swift.max(returns.count, 1))
        return (mean, variance.squareRoot())
    }
}

public enum CPLError: Error, CustomStringConvertible {
    case noPairs
    public var description: String {
        "the label store has no answered pair queries to learn from; answer them first (sandbox queries answer --store FILE.db --teacher oracle, or sandbox label)"
    }
}

extension CPLError: UsageErrorClassifying {
    public var isUsageError: Bool { true }
}
