import SandboxCore

/// A trainer that learns from a replay buffer of its own past experience (SAC). What a preference loop
/// needs from it, without knowing which algorithm it is:
/// - the recent training episodes, as (seed, actions), to replay exactly and ask about (PEBBLE);
/// - relabelling the stored transitions after the learned reward changes;
/// - an intrinsic reward that replaces the reward of sampled batches (PEBBLE's pre-training).
public protocol OffPolicyTrainer: Trainer {
    /// The most recent finished training episodes, oldest first, at most `recentEpisodeCapacity`.
    var recentEpisodes: [(seed: UInt64, actions: [[Float]])] { get }
    var recentEpisodeCapacity: Int { get }
    /// Training episodes finished since the start.
    var finishedEpisodeCount: Int { get }
    /// Recomputes the reward of every stored transition from the trainer's reward source.
    func relabelReplayBuffer()
    /// When set, the reward of each sampled batch: (observations, next observations), flattened
    /// row-major, → one reward per row. Nil uses the stored rewards.
    var batchRewardOverride: ((_ observations: [Float], _ nextObservations: [Float]) -> [Float])? { get set }
    /// Up to `limit` of the most recently stored observations, flattened row-major.
    func storedObservations(limit: Int) -> [Float]
}

extension SAC: OffPolicyTrainer {}
