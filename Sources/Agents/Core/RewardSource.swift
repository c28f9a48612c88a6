import NeuralNets
import SandboxCore
import Rendering

/// A learned reward: maps (observation, action) batches to rewards. The reward-learning module
/// implements it; agents only call it.
public protocol RewardModel: AnyObject {
    /// Rewards for N transitions: observations [N, obsDim], actions [N, actDim] → N rewards.
    func rewards(observations: [[Float]], actions: [[Float]]) -> [Float]
    /// Rewards for N transitions with their reward-term values (a model whose input includes the terms
    /// reads them; the others ignore them).
    func rewards(observations: [[Float]], actions: [[Float]], terms: [[Double]]) -> [Float]
    /// A short description for logs and run configurations.
    var summary: String { get }
    /// The reward of every step after an episode terminated in each of `finalObservations`: the
    /// ended state held for ever (an absorbing state, as in Kostrikov et al. 2019). Nil when the model
    /// has none, and an ended episode is worth 0.
    func absorbingRewards(finalObservations: [[Float]]) -> [Float]?
    /// A reward received once, on the transition into each of `finalObservations` (as a task pays
    /// +100 for a landing or −100 for a crash at its last step). Nil when the model has none.
    func terminalRewards(finalObservations: [[Float]]) -> [Float]?
}

extension RewardModel {
    public func rewards(observations: [[Float]], actions: [[Float]], terms: [[Double]]) -> [Float] {
        rewards(observations: observations, actions: actions)
    }
    public func absorbingRewards(finalObservations: [[Float]]) -> [Float]? { nil }
    public func terminalRewards(finalObservations: [[Float]]) -> [Float]? { nil }
}

/// Where an agent's reward comes from.
public enum RewardSource {
    /// The task's own reward.
    case environment
    /// A weighted sum of the task's named reward terms.
    case terms([String: Double])
    /// A learned reward model.
    case model(any RewardModel)
    /// A learned reward that scores whole episodes (see `EpisodeReward` for how PPO and SAC use it).
    case episode(any EpisodeReward)

    /// The episode reward, when the source is one.
    public var episodeReward: (any EpisodeReward)? {
        if case .episode(let reward) = self { return reward }
        return nil
    }

    /// Parses `true`, `terms:NAME=W,NAME=W` (model sources are made by the caller).
    public static func parse(_ text: String, spec: TaskSpec) throws -> RewardSource {
        let specification = try RewardSpecification(parsing: text)
        if case .model = specification { throw AgentError.invalidReward("model: rewards are loaded by the caller; see RewardSource(_:task:loadModel:)") }
        return try RewardSource(specification, task: spec, loadModel: { _ in fatalError("unreachable") })
    }

    /// Whether the reward differs from the task's (then the true return is logged beside it).
    public var isLearnedOrShaped: Bool {
        if case .environment = self { return false }
        return true
    }

    public var description: String {
        switch self {
        case .environment: return "true"
        case .terms(let w): return "terms:" + w.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        case .model(let m): return "model:\(m.summary)"
        case .episode(let e): return "episode:\(e.summary)"
        }
    }

    /// The rewards for a batch of transitions, given the task's rewards and terms.
    func rewards(spec: TaskSpec, observations: [[Float]], actions: [[Float]], taskRewards: [Double], terms: [[Double]]) -> [Double] {
        switch self {
        case .environment:
            return taskRewards
        case .terms(let weights):
            // In the task's term order, so that the sum is the same on every run (a dictionary's order is not).
            let indexed = weights.map { (spec.rewardTerms.firstIndex(of: $0.key)!, $0.value) }.sorted { $0.0 < $1.0 }
            return terms.map { t in indexed.reduce(0) { $0 + t[$1.0] * $1.1 } }
        case .model(let model):
            return model.rewards(observations: observations, actions: actions, terms: terms).map(Double.init)
        case .episode:
            return [Double](repeating: 0, count: taskRewards.count)  // filled in when the episode is scored
        }
    }
}

extension RewardSource {
    /// What a terminated transition adds to its reward for the ended state that follows it:
    /// Σₖ≥₁ γᵏ·r_absorbing = γ/(1 − γ)·r_absorbing for a learned model with absorbing rewards, plus
    /// the model's terminal reward, else 0. With absorbing rewards, adding a constant to every learned
    /// reward (an offset that preferences cannot fix) no longer changes which policy is best, so a
    /// learned reward cannot pay an agent for merely staying alive.
    func terminationBonuses(finalObservations: [[Float]], gamma: Double) -> [Double] {
        var bonuses = [Double](repeating: 0, count: finalObservations.count)
        guard case .model(let model) = self, !finalObservations.isEmpty else { return bonuses }
        if let absorbing = model.absorbingRewards(finalObservations: finalObservations) {
            for (i, r) in absorbing.enumerated() { bonuses[i] += gamma / (1 - gamma) * Double(r) }
        }
        if let terminal = model.terminalRewards(finalObservations: finalObservations) {
            for (i, r) in terminal.enumerated() { bonuses[i] += Double(r) }
        }
        return bonuses
    }
}

/// The box of a continuous-control task's actions; a task with discrete actions is refused with the fix.
func continuousActionSpace(of task: TaskSpec, algorithm: String) throws -> BoxSpace {
    guard let box = task.actionSpace.box else {
        throw AgentError.invalidConfiguration("\(algorithm) here drives continuous actions, but \(task.id) has \(task.actionSpace.shapeDescription) actions; pick a task with a box action space (see `sandbox tasks`)")
    }
    return box
}

/// Errors from agents, each naming the problem and the fix.
public enum AgentError: Error, CustomStringConvertible {
    case invalidReward(String)
    case invalidConfiguration(String)
    case checkpointMismatch(String)
    case unreadableRun(String)

    public var description: String {
        switch self {
        case .invalidReward(let s): return "invalid --reward: \(s)"
        case .invalidConfiguration(let s): return "invalid configuration: \(s)"
        case .checkpointMismatch(let s): return s
        case .unreadableRun(let s): return s
        }
    }
}

extension AgentError: UsageErrorClassifying {
    /// A bad `--reward` or agent setting is a usage error; a checkpoint or run folder that does not fit is not.
    public var isUsageError: Bool {
        switch self {
        case .invalidReward, .invalidConfiguration: return true
        case .checkpointMismatch, .unreadableRun: return false
        }
    }
}
