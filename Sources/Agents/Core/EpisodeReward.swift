import SandboxCore

/// One episode as a reward that scores whole episodes sees it.
public struct EpisodeTrace: Sendable {
    /// Observations: the start, then one after each step (`stepCount + 1` entries).
    public var observations: [[Float]]
    /// The actions the task received, one per step.
    public var actions: [[Float]]
    /// Frames at the reward's `frameSize`, aligned with `observations`; empty when it needs none.
    public var frames: [Frame]
    /// The episode ended inside the task (not cut by a time limit, nor still under way).
    public var isTerminated: Bool

    public var stepCount: Int { actions.count }

    public init(observations: [[Float]], actions: [[Float]] = [], frames: [Frame] = [], isTerminated: Bool = false) {
        self.observations = observations
        self.actions = actions
        self.frames = frames
        self.isTerminated = isTerminated
    }

    /// Adds one step: its action, then the observation (and frame) it led to.
    mutating func append(action: [Float], observation: [Float], frame: Frame?) {
        actions.append(action)
        observations.append(observation)
        if let frame { frames.append(frame) }
    }
}

/// A learned reward that scores a whole episode at once, from its observations and rendered frames,
/// and returns a reward for each step (RAPL's optimal-transport reward compares an episode's frames with
/// a demonstration's). The per-transition counterpart is `RewardModel`.
///
/// How the agents use it:
/// - PPO scores each copy's episode at the end of every rollout (an episode still under way is scored
///   as far as it has gone) and when an episode ends, and trains on those rewards;
/// - SAC stores its transitions with a reward of 0 and, when the episode ends, relabels them in the
///   replay buffer with the episode's scores.
public protocol EpisodeReward: AnyObject {
    /// A short description for logs and run configurations.
    var summary: String { get }
    /// The frame size the reward reads, or nil when it reads observations only (then nothing is rendered).
    var frameSize: RenderSize? { get }
    /// One reward per step of `episode` (`episode.stepCount` values).
    func rewards(for episode: EpisodeTrace) -> [Float]
}

extension EpisodeReward {
    /// Scores `episode`, checking that the reward gave one value per step.
    func checkedRewards(for episode: EpisodeTrace) -> [Float] {
        let rewards = rewards(for: episode)
        precondition(rewards.count == episode.stepCount,
                     "\(summary) gave \(rewards.count) rewards for an episode of \(episode.stepCount) steps; an EpisodeReward returns one per step")
        return rewards
    }
}
