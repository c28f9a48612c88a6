import Foundation
import NeuralNets
import SandboxCore
import Rendering

/// Soft actor-critic (Haarnoja et al. 2018) with a tanh-squashed Gaussian actor, twin critics with
/// target networks, and automatic temperature tuning, in the style of CleanRL's `sac_continuous_action.py`
/// and Stable-Baselines3's SAC.
public final class SAC: Trainer {
    /// Hyperparameters. Defaults are Stable-Baselines3's; `tuned(for:)` applies the RL Baselines3 Zoo's
    /// tuned values (hyperparams/sac.yml).
    public struct Configuration: Codable, Equatable, Sendable {
        public var bufferSize = 1_000_000
        /// Uniform random actions before learning starts.
        public var learningStarts = 100
        public var batchSize = 256
        public var gamma = 0.99
        /// Polyak rate of the target critics.
        public var tau: Float = 0.005
        public var learningRate: Float = 3e-4
        /// Anneal the learning rate linearly to 0 over training (RL Zoo's `lin_` schedules).
        public var annealLearningRate = false
        /// Environment steps between training phases, and gradient steps in each.
        public var trainFrequency = 1
        public var gradientSteps = 1
        public var hiddenSizes = [256, 256]
        public var activation = Activation.relu
        /// Initial temperature α; tuned towards the target entropy −|A| when `autoTemperature`.
        public var initialTemperature: Float = 1
        public var autoTemperature = true

        public init() {}

        /// LunarLanderContinuous: lr 7.3e-4 annealed, buffer 1e6, batch 256, γ 0.99, τ 0.01, 10k random
        /// steps, net 400-300. BipedalWalker: lr 7.3e-4, buffer 3e5, batch 256, γ 0.98, τ 0.02, train every
        /// 64 steps with 64 gradient steps, 10k random steps, net 400-300.
        public static func tuned(for task: String) -> Configuration {
            var c = Configuration()
            switch task {
            case "LunarLanderContinuous":
                c.learningRate = 7.3e-4; c.annealLearningRate = true; c.bufferSize = 1_000_000; c.batchSize = 256
                c.gamma = 0.99; c.tau = 0.01; c.learningStarts = 10_000; c.hiddenSizes = [400, 300]
            case "BipedalWalker", "BipedalWalkerHardcore":
                c.learningRate = 7.3e-4; c.bufferSize = 300_000; c.batchSize = 256; c.gamma = 0.98; c.tau = 0.02
                c.trainFrequency = 64; c.gradientSteps = 64; c.learningStarts = 10_000; c.hiddenSizes = [400, 300]
            default:
                break
            }
            return c
        }

        /// Checks every hyperparameter's range, naming the first one out of it.
        public func validate() throws(HyperparameterError) {
            var check = HyperparameterCheck()
            check.whole("bufferSize", bufferSize, 1...100_000_000)
            check.whole("learningStarts", learningStarts, 0...Int(Int32.max))
            check.whole("batchSize", batchSize, 1...65_536)
            check.number("gamma", gamma, above: 0, atMost: 1)
            check.number("tau", Double(tau), above: 0, atMost: 1)
            check.number("learningRate", Double(learningRate), above: 0, atMost: 1)
            check.whole("trainFrequency", trainFrequency, 1...1_000_000)
            check.whole("gradientSteps", gradientSteps, 0...1_000_000)
            check.layers("hiddenSizes", hiddenSizes)
            check.number("initialTemperature", Double(initialTemperature), above: 0)
            try check.result()
        }
    }

    public let algorithm = Algorithm.sac
    public let configuration: Configuration
    public let task: TaskSpec
    public let rewardSource: RewardSource
    public let policy: Policy
    public let critics: [MLP]
    let targetCritics: [MLP]
    public let replayBuffer: ReplayBuffer
    public private(set) var globalStep = 0
    public var totalSteps: Int
    /// Steps taken per `iterate()` call.
    public var stepsPerIteration = 1000
    /// When set, replaces the stored rewards of each sampled batch (PEBBLE's unsupervised pre-training
    /// uses a state-entropy reward): (observations [B·obs], next observations [B·obs]) → B rewards.
    public var transitionObserver: ((ObservedTransitions) -> Void)?
    public var batchRewardOverride: ((_ observations: [Float], _ nextObservations: [Float]) -> [Float])?
    /// The replay buffer's observations so far, as [N·obs] (for k-NN state entropy).
    public func storedObservations(limit: Int) -> [Float] { replayBuffer.recentObservations(limit: limit) }

    private let environment: any Environment
    private let actorOptimizer: Adam
    private let criticOptimizer: Adam
    private let logTemperature: Tensor
    private let temperatureOptimizer: Adam
    private let targetEntropy: Float
    private var generator: SeededGenerator
    private var observation: [Float]
    private var episodeSeed: UInt64
    private var episodeTrainingReturn = 0.0, episodeTrueReturn = 0.0, episodeLength = 0
    private var finished: [EpisodeStatistics] = []
    /// The actions (as sent to the task) of the episode being played.
    private var episodeActions: [[Float]] = []
    /// With an episode reward: the episode so far and the replay-buffer slots of its steps.
    private var trace = EpisodeTrace(observations: [])
    private var traceSlots: [Int] = []
    /// The most recent finished training episodes, oldest first, as (seed, actions): enough to replay
    /// each one exactly with the task (PEBBLE draws its queries from them). At most
    /// `recentEpisodeCapacity` are kept.
    public private(set) var recentEpisodes: [(seed: UInt64, actions: [[Float]])] = []
    public var recentEpisodeCapacity = 100
    /// How many training episodes have finished since the start.
    public private(set) var finishedEpisodeCount = 0

    public convenience init(task id: String, in tasks: TaskRegistry, options: [String: Double] = [:], configuration: Configuration,
                            reward: RewardSource = .environment, seed: UInt64, totalSteps: Int) throws {
        try self.init(environment: try tasks.make(id, options: options), configuration: configuration, reward: reward,
                      seed: seed, totalSteps: totalSteps)
    }

    /// Trains on `environment` (any `Environment`, registered or not).
    public init(environment: any Environment, configuration: Configuration, reward: RewardSource = .environment,
                seed: UInt64, totalSteps: Int) throws {
        try configuration.validate()
        self.configuration = configuration
        rewardSource = reward
        self.totalSteps = totalSteps
        self.environment = environment
        task = environment.spec
        let actionSpace = try continuousActionSpace(of: task, algorithm: Algorithm.sac.displayName)
        var generator = SeededGenerator(seed: seed)
        let obs = task.observationSpace.count, act = task.actionSpace.count
        policy = Policy(PolicyConfiguration(
            algorithm: Algorithm.sac.rawValue, task: task.name, taskVersion: task.version, taskOptions: environment.options,
            observationSize: obs, actionSize: act, hiddenSizes: configuration.hiddenSizes, activation: configuration.activation,
            squashed: true, actionLow: actionSpace.low, actionHigh: actionSpace.high, normalizeObservations: false), using: &generator)
        let criticConfiguration = MLP.Configuration(inputSize: obs + act, hiddenSizes: configuration.hiddenSizes, outputSize: 1,
                                                    activation: configuration.activation)
        critics = (0..<2).map { _ in MLP(criticConfiguration, initializer: .pytorchDefault, using: &generator) }
        targetCritics = (0..<2).map { _ in MLP(criticConfiguration, initializer: .pytorchDefault, using: &generator) }
        for (target, critic) in zip(targetCritics, critics) { target.copyParameters(from: critic) }
        let bytes = ReplayBuffer.bytes(capacity: configuration.bufferSize, observationSize: obs, actionSize: act, termCount: task.rewardTerms.count)
        guard bytes <= ReplayBuffer.memoryBudget else {
            let fits = Int(ReplayBuffer.memoryBudget / (bytes / Double(configuration.bufferSize)))
            throw HyperparameterError(description: String(format: "a replay buffer of %d transitions of %@ (%d-d observations) needs %.0f GB, more than half this machine's memory; set --hyperparameter bufferSize=%d or less",
                                                          configuration.bufferSize, task.id, obs, bytes / 1e9, fits))
        }
        replayBuffer = ReplayBuffer(capacity: configuration.bufferSize, observationSize: obs, actionSize: act)
        actorOptimizer = Adam(parameters: policy.parameters, configuration: .init(learningRate: configuration.learningRate))
        criticOptimizer = Adam(parameters: critics.flatMap(\.parameters), configuration: .init(learningRate: configuration.learningRate))
        logTemperature = Tensor([Float(Foundation.log(Double(configuration.initialTemperature)))], requiresGrad: true)
        temperatureOptimizer = Adam(parameters: [logTemperature], configuration: .init(learningRate: configuration.learningRate))
        targetEntropy = -Float(act)
        episodeSeed = generator.next()
        self.generator = generator
        observation = environment.reset(seed: episodeSeed)
        startTrace()
    }

    /// With an episode reward, starts recording the episode that was just reset.
    private func startTrace() {
        guard let episodeReward = rewardSource.episodeReward else { return }
        trace = EpisodeTrace(observations: [observation],
                             frames: episodeReward.frameSize.map { [environment.render(width: $0.width, height: $0.height)] } ?? [])
        traceSlots = []
    }

    public func drainFinishedEpisodes() -> [EpisodeStatistics] {
        defer { finished = [] }
        return finished
    }

    private var temperature: Float { Foundation.exp(logTemperature.data[0]) }

    // MARK: rollout

    /// One environment step: random actions before `learningStarts`, then the actor's samples.
    private func collectStep() throws {
        let raw: [Float]  // in [−1, 1]
        if globalStep < configuration.learningStarts {
            raw = (0..<task.actionSpace.count).map { _ in Float.random(in: -1...1, using: &generator) }
        } else {
            let (mean, logStd) = policy.distributionParameters(policy.input([observation]))
            raw = TanhGaussian(mean: mean, logStd: logStd).sample(using: &generator).data
        }
        let action = policy.environmentAction(raw)
        let result = try environment.step(action)
        globalStep += 1
        transitionObserver?(ObservedTransitions(observations: [observation], actions: [action], terms: [result.terms],
                                                episodeEnded: [result.isTerminated || result.isTruncated], terminated: [result.isTerminated],
                                                finalObservations: [result.isTerminated || result.isTruncated ? result.observation : nil]))
        var reward = rewardSource.rewards(spec: task, observations: [observation], actions: [action],
                                          taskRewards: [result.reward], terms: [result.terms])[0]
        if result.isTerminated {
            reward += rewardSource.terminationBonuses(finalObservations: [result.observation], gamma: Double(configuration.gamma))[0]
        }
        let slot = replayBuffer.add(observation: observation, action: raw, reward: Float(reward), nextObservation: result.observation,
                                    terminated: result.isTerminated, terms: result.terms, taskReward: result.reward)
        if let episodeReward = rewardSource.episodeReward {
            trace.append(action: action, observation: result.observation, frame: episodeReward.frameSize.map { environment.render(width: $0.width, height: $0.height) })
            traceSlots.append(slot)
            if result.isDone {
                // Relabel the episode's transitions with its scores; a slot already reused by a later
                // transition (an episode longer than the buffer) is left alone.
                trace.isTerminated = result.isTerminated
                let scores = episodeReward.checkedRewards(for: trace)
                let kept = Swift.min(traceSlots.count, replayBuffer.capacity)
                replayBuffer.setRewards(Array(scores.suffix(kept)), at: Array(traceSlots.suffix(kept)))
                reward = scores.reduce(0) { $0 + Double($1) }
            }
        }
        episodeTrainingReturn += reward
        episodeTrueReturn += result.reward
        episodeLength += 1
        episodeActions.append(action)
        if result.isDone {
            finished.append(EpisodeStatistics(trainingReturn: episodeTrainingReturn, trueReturn: episodeTrueReturn, length: episodeLength))
            recentEpisodes.append((episodeSeed, episodeActions))
            if recentEpisodes.count > recentEpisodeCapacity { recentEpisodes.removeFirst(recentEpisodes.count - recentEpisodeCapacity) }
            finishedEpisodeCount += 1
            episodeActions = []
            episodeTrainingReturn = 0; episodeTrueReturn = 0; episodeLength = 0
            episodeSeed = generator.next()
            observation = environment.reset(seed: episodeSeed)
            startTrace()
        } else {
            observation = result.observation
        }
    }

    // MARK: update

    /// Q(o, a) of a critic for [N, obs] and [N, act] inputs → [N]; `frozen` keeps gradients out of its weights.
    private func q(_ critic: MLP, _ o: Tensor, _ a: Tensor, frozen: Bool = false) -> Tensor {
        critic(Tensor.concatenate([o, a], axis: 1), frozen: frozen).reshaped([o.shape[0]])
    }

    /// One gradient step on critics, actor and temperature; returns the losses.
    func gradientStep() -> [String: Float] {
        let c = configuration
        let obs = task.observationSpace.count, act = task.actionSpace.count
        var batch = replayBuffer.sample(c.batchSize, using: &generator)
        if let override = batchRewardOverride { batch.rewards = override(batch.observations, batch.nextObservations) }
        let n = c.batchSize
        let o = Tensor(shape: [n, obs], data: batch.observations)
        let a = Tensor(shape: [n, act], data: batch.actions)
        let o2 = Tensor(shape: [n, obs], data: batch.nextObservations)
        let alpha = temperature

        // Critic target: r + γ·(1 − done)·(min Q′(o′, a′) − α·log π(a′|o′)), without gradients.
        let (nextMean, nextLogStd) = policy.distributionParameters(o2, frozen: true)
        let (nextAction, nextLogProbability) = TanhGaussian(mean: nextMean.detached(), logStd: nextLogStd.detached())
            .rsampleWithLogProbability(using: &generator)
        let nextQ = Tensor.minimum(q(targetCritics[0], o2, nextAction.detached(), frozen: true),
                                   q(targetCritics[1], o2, nextAction.detached(), frozen: true))
        let softNext = nextQ.data.enumerated().map { $1 - alpha * nextLogProbability.data[$0] }
        let target = Tensor((0..<n).map { batch.rewards[$0] + Float(c.gamma) * batch.notDone[$0] * softNext[$0] })

        let q1 = q(critics[0], o, a), q2 = q(critics[1], o, a)
        let criticLoss = ((q1 - target).square().mean() + (q2 - target).square().mean()) * 0.5
        criticOptimizer.zeroGrad()
        criticLoss.backward()
        criticOptimizer.step()

        // Actor: minimise α·log π(a|o) − min Q(o, a) with reparameterised a.
        let (mean, logStd) = policy.distributionParameters(o)
        let (sampled, logProbability) = TanhGaussian(mean: mean, logStd: logStd).rsampleWithLogProbability(using: &generator)
        let minQ = Tensor.minimum(q(critics[0], o, sampled, frozen: true), q(critics[1], o, sampled, frozen: true))
        let actorLoss = (logProbability * alpha - minQ).mean()
        actorOptimizer.zeroGrad()
        actorLoss.backward()
        actorOptimizer.step()

        var temperatureLoss: Float = 0
        if c.autoTemperature {
            // α loss: −log α · (log π + target entropy), with log π held fixed.
            let fixed = Tensor(logProbability.data.map { $0 + targetEntropy })
            let loss = -(logTemperature * fixed).mean()
            temperatureOptimizer.zeroGrad()
            loss.backward()
            temperatureOptimizer.step()
            temperatureLoss = loss.item
        }
        for (target, critic) in zip(targetCritics, critics) { target.softUpdate(towards: critic, rate: c.tau) }
        return ["losses/qf_loss": criticLoss.item, "losses/actor_loss": actorLoss.item, "losses/alpha_loss": temperatureLoss,
                "losses/qf1_values": q1.mean().item]
    }

    /// Runs `gradientSteps` updates on the current replay buffer and returns the mean losses (used by
    /// benchmarks and by preference loops between reward-model fits).
    @discardableResult
    public func update(gradientSteps: Int) -> [String: Double] {
        precondition(replayBuffer.count > 0, "update needs transitions in the replay buffer")
        var sums: [String: Double] = [:]
        for _ in 0..<gradientSteps { for (k, v) in gradientStep() { sums[k, default: 0] += Double(v) } }
        return sums.mapValues { $0 / Double(Swift.max(gradientSteps, 1)) }
    }

    /// Takes `count` environment steps without updating (e.g. to fill the buffer).
    public func collect(steps count: Int) throws {
        for _ in 0..<count { try collectStep() }
    }

    public func iterate() throws -> [String: Double] {
        let start = Date()
        var sums: [String: Double] = [:]
        var updates = 0
        var updateSeconds = 0.0
        // The last iteration stops at the budget: SAC takes exactly the steps asked for.
        for _ in 0..<Swift.max(1, Swift.min(stepsPerIteration, totalSteps - globalStep)) {
            try collectStep()
            if globalStep >= configuration.learningStarts && globalStep % configuration.trainFrequency == 0 {
                if configuration.annealLearningRate {
                    let lr = LearningRateSchedule.linear(finalFraction: 0)
                        .rate(base: configuration.learningRate, progress: Double(globalStep) / Double(Swift.max(totalSteps, 1)))
                    actorOptimizer.learningRate = lr
                    criticOptimizer.learningRate = lr
                    temperatureOptimizer.learningRate = lr
                }
                let t0 = Date()
                for _ in 0..<configuration.gradientSteps {
                    for (k, v) in gradientStep() { sums[k, default: 0] += Double(v) }
                    updates += 1
                }
                updateSeconds += Date().timeIntervalSince(t0)
            }
        }
        var metrics = sums.mapValues { $0 / Double(Swift.max(updates, 1)) }
        metrics["losses/alpha"] = Double(temperature)
        metrics["charts/learning_rate"] = Double(actorOptimizer.learningRate)
        metrics["charts/gradient_steps"] = Double(updates)
        if updates > 0 { metrics["charts/gradient_steps_per_s"] = Double(updates) / updateSeconds }
        metrics["charts/iteration_seconds"] = Date().timeIntervalSince(start)
        return metrics
    }

    /// Recomputes every stored reward with the current reward source (after a reward model is refitted).
    /// An episode reward's scores are left as they are: they need the episodes' frames, which the buffer
    /// does not keep.
    public func relabelReplayBuffer() {
        if rewardSource.episodeReward != nil { return }
        replayBuffer.relabel { observations, actions, terms, taskRewards, nextObservations, terminated in
            let envActions = actions.map { policy.environmentAction($0) }
            var rewards = rewardSource.rewards(spec: task, observations: observations, actions: envActions, taskRewards: taskRewards, terms: terms)
            let ended = terminated.indices.filter { terminated[$0] }
            let bonuses = rewardSource.terminationBonuses(finalObservations: ended.map { nextObservations[$0] }, gamma: Double(configuration.gamma))
            for (k, i) in ended.enumerated() { rewards[i] += bonuses[k] }
            return rewards.map(Float.init)
        }
    }

    // MARK: state

    /// The replay buffer is not saved (it can be gigabytes); a resumed run refills it, after
    /// `learningStarts` random steps again.
    public func saveState(to url: URL) throws {
        var extra: [String: Tensor] = [:]
        for (i, critic) in critics.enumerated() { extra.merge(prefixedParameters(critic, prefix: "critic\(i)")) { a, _ in a } }
        for (i, critic) in targetCritics.enumerated() { extra.merge(prefixedParameters(critic, prefix: "target_critic\(i)")) { a, _ in a } }
        extra.merge(optimizerTensors(actorOptimizer, prefix: "actor_optimizer")) { a, _ in a }
        extra.merge(optimizerTensors(criticOptimizer, prefix: "critic_optimizer")) { a, _ in a }
        extra.merge(optimizerTensors(temperatureOptimizer, prefix: "temperature_optimizer")) { a, _ in a }
        extra["log_temperature"] = logTemperature.detached()
        try saveTrainerState(policy: policy, algorithm: algorithm.rawValue, configuration: configuration, globalStep: globalStep,
                             generator: generator, extra: extra, to: url)
    }

    public func loadState(from url: URL) throws {
        let (file, step, restoredGenerator) = try readTrainerState(from: url, policy: policy, algorithm: algorithm.rawValue)
        for (i, critic) in critics.enumerated() { try loadParameters(critic, from: file, prefix: "critic\(i)") }
        for (i, critic) in targetCritics.enumerated() { try loadParameters(critic, from: file, prefix: "target_critic\(i)") }
        try loadOptimizer(actorOptimizer, from: file, prefix: "actor_optimizer")
        try loadOptimizer(criticOptimizer, from: file, prefix: "critic_optimizer")
        try loadOptimizer(temperatureOptimizer, from: file, prefix: "temperature_optimizer")
        guard let t = file["log_temperature"] else { throw CheckpointError.missingTensor("log_temperature") }
        logTemperature.assign(t.data)
        (globalStep, generator) = (step, restoredGenerator)
    }
}
