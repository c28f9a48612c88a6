import Foundation
import NeuralNets
import SandboxCore
import Rendering

/// Proximal policy optimisation (Schulman et al. 2017) for continuous actions, in the style of
/// CleanRL's `ppo_continuous_action.py` and Stable-Baselines3's PPO.
public final class PPO: Trainer {
    /// Hyperparameters. Defaults are Stable-Baselines3's; `tuned(for:)` applies the RL Baselines3 Zoo's
    /// tuned values for the Box2D tasks (hyperparams/ppo.yml, cited there per task).
    public struct Configuration: Codable, Equatable, Sendable {
        /// Parallel copies of the task (`n_envs`).
        public var environmentCount = 1
        /// Steps per copy per rollout (`n_steps`).
        public var stepsPerEnvironment = 2048
        /// Minibatch size, in transitions (`batch_size`).
        public var minibatchSize = 64
        /// Passes over each rollout (`n_epochs`).
        public var epochs = 10
        /// Discount per step.
        public var gamma = 0.99
        /// GAE λ.
        public var gaeLambda = 0.95
        /// Policy ratio clip ε.
        public var clipRange: Float = 0.2
        /// Value clip range around the old value; nil disables value clipping (SB3's default).
        public var valueClipRange: Float? = nil
        public var entropyCoefficient: Float = 0
        public var valueCoefficient: Float = 0.5
        /// Global gradient-norm clip.
        public var maxGradientNorm: Float = 0.5
        public var learningRate: Float = 3e-4
        /// Anneal the learning rate linearly to 0 over training.
        public var annealLearningRate = false
        /// Hidden layers of the policy and of the value network (SB3: 64, 64, tanh).
        public var hiddenSizes = [64, 64]
        public var activation = Activation.tanh
        public var logStdInit: Float = 0
        /// VecNormalize-style observation and reward normalisation (running statistics, clip 10).
        public var normalizeObservations = false
        public var normalizeRewards = false

        public init() {}

        /// Steps one rollout collects: `environmentCount × stepsPerEnvironment`.
        public var rolloutSize: Int { environmentCount * stepsPerEnvironment }

        /// Steps a run with a budget of `budget` steps takes. PPO updates on whole rollouts, so the budget
        /// is rounded up to a multiple of `rolloutSize` (as Stable-Baselines3's `learn` does).
        public func stepsRun(budget: Int) -> Int {
            (Swift.max(budget, 1) + rolloutSize - 1) / rolloutSize * rolloutSize
        }

        /// RL Zoo's tuned settings: LunarLanderContinuous — n_envs 16, n_steps 1024, batch 64, γ 0.999,
        /// λ 0.98, 4 epochs, entropy 0.01; BipedalWalker — normalize, n_envs 32, n_steps 2048, batch 64,
        /// γ 0.999, λ 0.95, 10 epochs, lr 3e-4, clip 0.18; BipedalWalkerHardcore — normalize, n_envs 16,
        /// n_steps 2048, batch 64, γ 0.99, λ 0.95, 10 epochs, entropy 0.001, lr 2.5e-4 annealed.
        public static func tuned(for task: String) -> Configuration {
            var c = Configuration()
            switch task {
            case "LunarLanderContinuous":
                c.environmentCount = 16; c.stepsPerEnvironment = 1024; c.minibatchSize = 64
                c.gamma = 0.999; c.gaeLambda = 0.98; c.epochs = 4; c.entropyCoefficient = 0.01
            case "BipedalWalker":
                c.normalizeObservations = true; c.normalizeRewards = true
                c.environmentCount = 32; c.stepsPerEnvironment = 2048; c.minibatchSize = 64
                c.gamma = 0.999; c.gaeLambda = 0.95; c.epochs = 10; c.learningRate = 3e-4; c.clipRange = 0.18
            case "BipedalWalkerHardcore":
                c.normalizeObservations = true; c.normalizeRewards = true
                c.environmentCount = 16; c.stepsPerEnvironment = 2048; c.minibatchSize = 64
                c.gamma = 0.99; c.gaeLambda = 0.95; c.epochs = 10; c.entropyCoefficient = 0.001
                c.learningRate = 2.5e-4; c.annealLearningRate = true
            default:
                break
            }
            return c
        }

        /// Checks every hyperparameter's range, naming the first one out of it.
        public func validate() throws(HyperparameterError) {
            var check = HyperparameterCheck()
            check.whole("environmentCount", environmentCount, 1...1024)
            check.whole("stepsPerEnvironment", stepsPerEnvironment, 1...10_000_000)
            // The rollout's size, saturated (the counts may be anything a config file says).
            let (product, overflow) = environmentCount.multipliedReportingOverflow(by: stepsPerEnvironment)
            let rollout = overflow ? Int.max : product
            check.whole("stepsPerEnvironment", rollout, 1...10_000_000,
                        note: "a rollout of environmentCount × stepsPerEnvironment steps is held in memory; keep it at most 10,000,000")
            check.whole("minibatchSize", minibatchSize, 1...Swift.max(1, rollout),
                        note: "the rollout has environmentCount × stepsPerEnvironment = \(rollout) steps")
            check.whole("epochs", epochs, 1...1000)
            check.number("gamma", gamma, above: 0, atMost: 1)
            check.number("gaeLambda", gaeLambda, atLeast: 0, atMost: 1)
            check.number("clipRange", Double(clipRange), above: 0)
            if let valueClipRange { check.number("valueClipRange", Double(valueClipRange), above: 0) }
            check.number("entropyCoefficient", Double(entropyCoefficient), atLeast: 0)
            check.number("valueCoefficient", Double(valueCoefficient), atLeast: 0)
            check.number("maxGradientNorm", Double(maxGradientNorm), above: 0)
            check.number("learningRate", Double(learningRate), above: 0, atMost: 1)
            check.layers("hiddenSizes", hiddenSizes)
            check.number("logStdInit", Double(logStdInit), atLeast: -20, atMost: 2)
            try check.result()
        }
    }

    public let algorithm = Algorithm.ppo
    public let configuration: Configuration
    public let task: TaskSpec
    public let rewardSource: RewardSource
    public let policy: Policy
    public let valueNetwork: MLP
    public private(set) var globalStep = 0
    /// Total steps planned, for learning-rate annealing.
    public var totalSteps: Int
    public var transitionObserver: ((ObservedTransitions) -> Void)?
    /// Step the copies in parallel across cores (the default) or one after another.
    public var parallelStepping: Bool {
        get { environments.parallel }
        set { environments.parallel = newValue }
    }

    private let environments: VectorEnvironment
    private let optimizer: Adam
    private var generator: SeededGenerator
    private var observations: [[Float]]
    private var rewardNormalizer = RunningMeanStd(size: 1)
    private var discountedReturns: [Double]
    private var episodeTrainingReturns: [Double]
    private var episodeTrueReturns: [Double]
    private var episodeLengths: [Int]
    private var finished: [EpisodeStatistics] = []
    /// With an episode reward: each copy's episode so far.
    private var traces: [EpisodeTrace] = []

    public convenience init(task id: String, in tasks: TaskRegistry, options: [String: Double] = [:], configuration: Configuration,
                            reward: RewardSource = .environment, seed: UInt64, totalSteps: Int) throws {
        try self.init(makeEnvironment: { try tasks.make(id, options: options) }, configuration: configuration,
                      reward: reward, seed: seed, totalSteps: totalSteps)
    }

    /// Trains on copies made by `makeEnvironment` (any `Environment`, registered or not).
    public init(makeEnvironment: () throws -> any Environment, configuration: Configuration, reward: RewardSource = .environment,
                seed: UInt64, totalSteps: Int) throws {
        try configuration.validate()
        self.configuration = configuration
        rewardSource = reward
        self.totalSteps = totalSteps
        environments = VectorEnvironment(environments: try (0..<configuration.environmentCount).map { _ in try makeEnvironment() })
        task = environments.spec
        let actionSpace = try continuousActionSpace(of: task, algorithm: Algorithm.ppo.displayName)
        generator = SeededGenerator(seed: seed)
        let policyConfiguration = PolicyConfiguration(
            algorithm: Algorithm.ppo.rawValue, task: task.name, taskVersion: task.version, taskOptions: environments.environments[0].options,
            observationSize: task.observationSpace.count, actionSize: task.actionSpace.count,
            hiddenSizes: configuration.hiddenSizes, activation: configuration.activation, squashed: false,
            actionLow: actionSpace.low, actionHigh: actionSpace.high, normalizeObservations: configuration.normalizeObservations)
        policy = Policy(policyConfiguration, logStdInit: configuration.logStdInit, using: &generator)
        valueNetwork = MLP(.init(inputSize: task.observationSpace.count, hiddenSizes: configuration.hiddenSizes, outputSize: 1,
                                 activation: configuration.activation),
                           initializer: .orthogonal(gain: Float(2).squareRoot()), outputGain: 1, using: &generator)
        optimizer = Adam(parameters: policy.parameters + valueNetwork.parameters,
                         configuration: .init(learningRate: configuration.learningRate, epsilon: 1e-5))
        environments.frameSize = reward.episodeReward?.frameSize
        observations = environments.reset(seed: generator.next())
        let n = configuration.environmentCount
        discountedReturns = Array(repeating: 0, count: n)
        episodeTrainingReturns = Array(repeating: 0, count: n)
        episodeTrueReturns = Array(repeating: 0, count: n)
        episodeLengths = Array(repeating: 0, count: n)
        policy.observationNormalizer?.update(observations)
        if reward.episodeReward != nil {
            let frames = environments.frames
            traces = observations.indices.map { EpisodeTrace(observations: [observations[$0]], frames: frames.isEmpty ? [] : [frames[$0]]) }
        }
    }

    public func drainFinishedEpisodes() -> [EpisodeStatistics] {
        defer { finished = [] }
        return finished
    }

    // MARK: rollout

    private struct Rollout {
        var observations: [[Float]] = []  // normalised, T·N rows
        var actions: [[Float]] = []
        var logProbabilities: [Float] = []
        var values: [[Double]] = []  // [T][N]
        var rewards: [[Double]] = []
        var dones: [[Bool]] = []
        var terminalValues: [[Double]] = []
    }

    private func collectRollout() throws -> (Rollout, lastValues: [Double]) {
        var rollout = Rollout()
        let n = configuration.environmentCount
        let episodeReward = rewardSource.episodeReward
        // With an episode reward, the rewards are known only once an episode is scored: the steps'
        // training rewards, true rewards and ends are kept and accounted after the rollout.
        var pending: [(training: [Double], truth: [Double], dones: [Bool])] = []
        var stepsInRollout = [Int](repeating: 0, count: n)
        for t in 0..<configuration.stepsPerEnvironment {
            let input = policy.input(observations)
            let (mean, logStd) = policy.distributionParameters(input)
            let distribution = DiagonalGaussian(mean: mean.detached(), logStd: logStd.detached())
            let actionTensor = distribution.sample(using: &generator)
            let logProbabilities = distribution.logProbability(actionTensor).data
            let values = valueNetwork(input).data.map(Double.init)
            let actions = (0..<n).map { Array(actionTensor.data[($0 * task.actionSpace.count)..<(($0 + 1) * task.actionSpace.count)]) }
            let step = try environments.step(actions)
            globalStep += n
            transitionObserver?(ObservedTransitions(observations: observations, actions: actions, terms: step.terms,
                                                    episodeEnded: (0..<n).map { step.terminated[$0] || step.truncated[$0] },
                                                    terminated: step.terminated, finalObservations: step.finalObservations))

            var trainingRewards = rewardSource.rewards(spec: task, observations: observations, actions: actions,
                                                       taskRewards: step.rewards, terms: step.terms)
            let ended = (0..<n).filter { step.terminated[$0] }
            if !ended.isEmpty {
                let bonuses = rewardSource.terminationBonuses(finalObservations: ended.map { step.finalObservations[$0]! }, gamma: Double(configuration.gamma))
                for (k, i) in ended.enumerated() { trainingRewards[i] += bonuses[k] }
            }
            var terminalValues = Array(repeating: 0.0, count: n)
            let dones = (0..<n).map { step.terminated[$0] || step.truncated[$0] }
            var rewards: [Double]
            if let episodeReward {
                pending.append((trainingRewards, step.rewards, dones))
                rewards = Array(repeating: 0, count: n)  // set once the episode is scored
                for i in 0..<n {
                    stepsInRollout[i] += 1
                    let isOver = dones[i]
                    traces[i].append(action: task.actionSpace.clip(actions[i]), observation: isOver ? step.finalObservations[i]! : step.observations[i],
                                     frame: step.frames.isEmpty ? nil : (isOver ? step.finalFrames[i]! : step.frames[i]))
                    guard isOver else { continue }
                    traces[i].isTerminated = step.terminated[i]
                    scoreEpisode(i, upTo: t, with: episodeReward, steps: stepsInRollout[i], into: &pending)
                    stepsInRollout[i] = 0
                    traces[i] = EpisodeTrace(observations: [step.observations[i]], frames: step.frames.isEmpty ? [] : [step.frames[i]])
                }
            } else {
                rewards = account(trainingRewards: trainingRewards, trueRewards: step.rewards, dones: dones)
            }
            // A truncated episode is bootstrapped from its final observation (SB3's handling).
            let truncatedFinals = (0..<n).filter { step.truncated[$0] && !step.terminated[$0] }
            if !truncatedFinals.isEmpty {
                let finals = truncatedFinals.map { step.finalObservations[$0]! }
                let v = valueNetwork(policy.input(finals)).data
                for (k, i) in truncatedFinals.enumerated() { terminalValues[i] = Double(v[k]) }
            }

            rollout.observations += (0..<n).map { Array(input.data[($0 * task.observationSpace.count)..<(($0 + 1) * task.observationSpace.count)]) }
            rollout.actions += actions
            rollout.logProbabilities += logProbabilities
            rollout.values.append(values)
            rollout.rewards.append(rewards)
            rollout.dones.append(dones)
            rollout.terminalValues.append(terminalValues)

            observations = step.observations
            policy.observationNormalizer?.update(observations)
        }
        if let episodeReward {
            // Episodes still under way are scored as far as they have gone; then every step is accounted.
            let last = configuration.stepsPerEnvironment - 1
            for i in 0..<n where stepsInRollout[i] > 0 {
                scoreEpisode(i, upTo: last, with: episodeReward, steps: stepsInRollout[i], into: &pending)
            }
            for t in pending.indices {
                rollout.rewards[t] = account(trainingRewards: pending[t].training, trueRewards: pending[t].truth, dones: pending[t].dones)
            }
        }
        let lastValues = valueNetwork(policy.input(observations)).data.map(Double.init)
        return (rollout, lastValues)
    }

    /// Adds copy `i`'s training rewards, true rewards and lengths to its episode returns, normalises the
    /// rewards (SB3's `VecNormalize`: by the running deviation of the discounted return, clipped to ±10),
    /// and closes finished episodes. Returns the rewards to train on.
    private func account(trainingRewards: [Double], trueRewards: [Double], dones: [Bool]) -> [Double] {
        let n = trainingRewards.count
        var rewards = trainingRewards
        for i in 0..<n {
            episodeTrainingReturns[i] += trainingRewards[i]
            episodeTrueReturns[i] += trueRewards[i]
            episodeLengths[i] += 1
            if configuration.normalizeRewards {
                discountedReturns[i] = discountedReturns[i] * configuration.gamma + trainingRewards[i]
            }
        }
        if configuration.normalizeRewards {
            rewardNormalizer.update(discountedReturns.map { [Float($0)] })
            let scale = (rewardNormalizer.variance[0] + 1e-8).squareRoot()
            rewards = rewards.map { Swift.min(Swift.max($0 / scale, -10), 10) }
        }
        for i in 0..<n where dones[i] {
            finished.append(EpisodeStatistics(trainingReturn: episodeTrainingReturns[i], trueReturn: episodeTrueReturns[i], length: episodeLengths[i]))
            episodeTrainingReturns[i] = 0
            episodeTrueReturns[i] = 0
            episodeLengths[i] = 0
            discountedReturns[i] = 0
        }
        return rewards
    }

    /// Scores copy `i`'s episode so far and writes the rewards of its last `steps` steps (those of this
    /// rollout, ending at rollout step `t`) into `pending`.
    private func scoreEpisode(_ i: Int, upTo t: Int, with reward: any EpisodeReward, steps: Int,
                              into pending: inout [(training: [Double], truth: [Double], dones: [Bool])]) {
        let scores = reward.checkedRewards(for: traces[i])
        for k in 0..<steps {
            pending[t - k].training[i] = Double(scores[scores.count - 1 - k])
        }
    }

    // MARK: update

    public func iterate() throws -> [String: Double] {
        let start = Date()
        if configuration.annealLearningRate {
            optimizer.learningRate = LearningRateSchedule.linear(finalFraction: 0)
                .rate(base: configuration.learningRate, progress: Double(globalStep) / Double(Swift.max(totalSteps, 1)))
        }
        let (rollout, lastValues) = try collectRollout()
        let rolloutSeconds = Date().timeIntervalSince(start)
        let (advantages, returns) = generalizedAdvantages(
            rewards: rollout.rewards, values: rollout.values, dones: rollout.dones, terminalValues: rollout.terminalValues,
            lastValues: lastValues, gamma: configuration.gamma, lambda: configuration.gaeLambda)
        // Flatten [T][N] in the same order as the observations (step-major).
        let flatAdvantages = advantages.flatMap { $0 }.map(Float.init)
        let flatReturns = returns.flatMap { $0 }.map(Float.init)
        let flatValues = rollout.values.flatMap { $0 }.map(Float.init)
        let size = flatAdvantages.count
        let observationSize = task.observationSpace.count, actionSize = task.actionSpace.count

        var policyLosses: [Float] = [], valueLosses: [Float] = [], entropies: [Float] = [], kls: [Float] = [], clipFractions: [Float] = []
        let c = configuration
        for _ in 0..<c.epochs {
            var order = Array(0..<size)
            order.shuffle(using: &generator)
            var startIndex = 0
            while startIndex < size {
                let batch = Array(order[startIndex..<Swift.min(startIndex + c.minibatchSize, size)])
                startIndex += c.minibatchSize
                let x = Tensor(shape: [batch.count, observationSize], data: batch.flatMap { rollout.observations[$0] })
                let actions = Tensor(shape: [batch.count, actionSize], data: batch.flatMap { rollout.actions[$0] })
                let oldLogProbabilities = Tensor(batch.map { rollout.logProbabilities[$0] })
                var batchAdvantages = batch.map { flatAdvantages[$0] }
                if batch.count > 1 {  // normalise advantages per minibatch (SB3)
                    let mean = batchAdvantages.reduce(0, +) / Float(batch.count)
                    let std = (batchAdvantages.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(batch.count - 1)).squareRoot()
                    batchAdvantages = batchAdvantages.map { ($0 - mean) / (std + 1e-8) }
                }
                let advantage = Tensor(batchAdvantages)
                let targetReturns = Tensor(batch.map { flatReturns[$0] })

                let (mean, logStd) = policy.distributionParameters(x)
                let distribution = DiagonalGaussian(mean: mean, logStd: logStd)
                let logProbabilities = distribution.logProbability(actions)
                let logRatio = logProbabilities - oldLogProbabilities
                let ratio = logRatio.exp()
                let unclipped = ratio * advantage
                let clipped = ratio.clamp(min: 1 - c.clipRange, max: 1 + c.clipRange) * advantage
                let policyLoss = -Tensor.minimum(unclipped, clipped).mean()

                let values = valueNetwork(x).reshaped([batch.count])
                let valueLoss: Tensor
                if let range = c.valueClipRange {
                    let oldValues = Tensor(batch.map { flatValues[$0] })
                    let clippedValues = oldValues + (values - oldValues).clamp(min: -range, max: range)
                    valueLoss = Tensor.maximum((values - targetReturns).square(), (clippedValues - targetReturns).square()).mean()
                } else {
                    valueLoss = (values - targetReturns).square().mean()
                }
                let entropy = distribution.entropy().mean()
                let loss = policyLoss + valueLoss * c.valueCoefficient - entropy * c.entropyCoefficient

                optimizer.zeroGrad()
                loss.backward()
                clipGradientNorm(optimizer.parameters, maxNorm: c.maxGradientNorm)
                optimizer.step()

                policyLosses.append(policyLoss.item)
                valueLosses.append(valueLoss.item)
                entropies.append(entropy.item)
                // Approximate KL, (r − 1) − log r (Schulman's k3 estimator), and the clipped fraction.
                let r = ratio.data, lr = logRatio.data
                kls.append(zip(r, lr).map { ($0 - 1) - $1 }.reduce(0, +) / Float(r.count))
                clipFractions.append(Float(r.filter { abs($0 - 1) > c.clipRange }.count) / Float(r.count))
            }
        }
        func mean(_ v: [Float]) -> Double { v.isEmpty ? 0 : Double(v.reduce(0, +)) / Double(v.count) }
        let returnsMean = flatReturns.reduce(0, +) / Float(size)
        let returnsVariance = flatReturns.map { ($0 - returnsMean) * ($0 - returnsMean) }.reduce(0, +) / Float(size)
        let residualVariance = zip(flatReturns, flatValues).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Float(size)
        let elapsed = Date().timeIntervalSince(start)
        return [
            "losses/policy_loss": mean(policyLosses),
            "losses/value_loss": mean(valueLosses),
            "losses/entropy": mean(entropies),
            "losses/approx_kl": mean(kls),
            "losses/clipfrac": mean(clipFractions),
            "losses/explained_variance": returnsVariance > 0 ? Double(1 - residualVariance / returnsVariance) : 0,
            "charts/learning_rate": Double(optimizer.learningRate),
            "charts/rollout_SPS": Double(size) / rolloutSeconds,
            "charts/update_seconds": elapsed - rolloutSeconds,
        ]
    }

    // MARK: state

    public func saveState(to url: URL) throws {
        var extra = prefixedParameters(valueNetwork, prefix: "value")
        extra.merge(optimizerTensors(optimizer, prefix: "optimizer")) { a, _ in a }
        extra.merge(policy.observationNormalizer?.tensors(prefix: "obs_norm") ?? [:]) { a, _ in a }
        extra.merge(rewardNormalizer.tensors(prefix: "reward_norm")) { a, _ in a }
        try saveTrainerState(policy: policy, algorithm: algorithm.rawValue, configuration: configuration, globalStep: globalStep,
                             generator: generator, extra: extra, to: url)
    }

    public func loadState(from url: URL) throws {
        let (file, step, restoredGenerator) = try readTrainerState(from: url, policy: policy, algorithm: algorithm.rawValue)
        try loadParameters(valueNetwork, from: file, prefix: "value")
        try loadOptimizer(optimizer, from: file, prefix: "optimizer")
        if let r = RunningMeanStd(file: file, prefix: "reward_norm") { rewardNormalizer = r }
        (globalStep, generator) = (step, restoredGenerator)
    }
}
