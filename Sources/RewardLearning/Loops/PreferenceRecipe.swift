import Agents

/// What `sandbox pbrl` starts from for each algorithm, before its options: the loop's settings that
/// differ between PEBBLE and PrefPPO, and the agent's hyperparameters.
///
/// PEBBLE's differ from B-Pref's where plain PEBBLE on the lander measured better (bench/RESULTS.md,
/// "Preference-based RL": the only plain runs that pass 200 used all four): labels over the first 90% of
/// training instead of half, half of the agent's queries pairing a segment that reaches its episode's
/// end with one that does not, the reward's offset at the agent's median step (zero endings only), and
/// SAC's learning rate held constant, as Lee et al. 2021 do, instead of the Zoo's annealing. PrefPPO
/// keeps B-Pref's (`PreferenceLoop.Configuration`'s defaults): the same changes made it worse.
public struct PreferenceRecipe: Sendable, Equatable {
    /// The agent's algorithm: `.sac` is PEBBLE, `.ppo` PrefPPO.
    public var algorithm: Algorithm
    /// Every label within this fraction of training.
    public var feedbackFraction: Double
    /// Fraction of the agent's own queries that show an episode's end.
    public var endingShare: Double
    /// Where the reward's offset is set, when `.zero` endings let it be.
    public var rewardOffset: RewardOffset
    /// SAC's `annealLearningRate`; nil keeps the agent's tuned setting.
    public var annealLearningRate: Bool?

    public init(algorithm: Algorithm, feedbackFraction: Double, endingShare: Double, rewardOffset: RewardOffset, annealLearningRate: Bool?) {
        self.algorithm = algorithm
        self.feedbackFraction = feedbackFraction
        self.endingShare = endingShare
        self.rewardOffset = rewardOffset
        self.annealLearningRate = annealLearningRate
    }

    /// PEBBLE's recipe for `.sac`, B-Pref's PrefPPO for `.ppo`.
    public init(algorithm: Algorithm) {
        switch algorithm {
        case .sac:
            self.init(algorithm: .sac, feedbackFraction: 0.9, endingShare: 0.5, rewardOffset: .agentMedian, annealLearningRate: false)
        case .ppo:
            let bPref = PreferenceLoop.Configuration()
            self.init(algorithm: .ppo, feedbackFraction: bPref.feedbackFraction, endingShare: bPref.endingShare, rewardOffset: bPref.rewardOffset,
                      annealLearningRate: nil)
        }
    }

    /// The agent's settings for a loop on `task` (a task name): the Zoo's tuned ones, and for SAC the
    /// recipe's learning-rate schedule and PEBBLE's early start. PEBBLE (Lee et al. 2021) takes 1,000
    /// random seed steps, then 9,000 of SAC on the state-entropy reward: updates must start well inside
    /// the `pretrainingSteps`, or they are only random steps.
    public func agentSettings(for task: String, pretrainingSteps: Int) -> AgentSettings {
        let agent = AgentSettings.tuned(algorithm, for: task)
        guard case .sac(var sac) = agent else { return agent }
        sac.learningStarts = Swift.min(sac.learningStarts, Swift.max(1, pretrainingSteps / 10))
        if let annealLearningRate { sac.annealLearningRate = annealLearningRate }
        return .sac(sac)
    }
}
