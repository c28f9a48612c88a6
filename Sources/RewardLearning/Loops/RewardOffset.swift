import Foundation
import Agents
import NeuralNets
import SandboxCore

/// How the learned reward's offset is set for the agent under `.zero` endings. There a segment that
/// ends early has fewer rewarded steps, so the offset decides whether staying in an episode pays; but
/// answers that only order segments (the oracle's) leave it nearly free. Fitted freely, it tends to
/// pay every airborne step, and the agent hovers to the time limit rather than land; held at or below
/// 0 (`--nonpositive-reward`), it makes any early ending nearly free.
public enum RewardOffset: String, Codable, Sendable, CaseIterable {
    /// As the fit leaves it: the reward is scaled for the agent, not shifted.
    case free
    /// Shifted after every refit so that the median step of the agent's recent episodes (its query
    /// candidates) is worth 0, what ending is worth. Then doing what it usually does neither pays nor
    /// costs the agent anything per step: ending the episode is neutral, steps the model ranks above
    /// its usual behaviour (a landing) pay, and steps ranked below it (a crash) cost. As the agent
    /// improves, the zero point moves up with it, so behaviour it has left behind (hovering, once it
    /// lands) starts to cost.
    case agentMedian = "agent-median"
}

extension PreferenceLoop {
    /// Shifts `model`'s reward for the agent so that the median real step of `segments` is worth 0, the
    /// worth of having ended under `.zero` endings (`RewardOffset.agentMedian`). At most 20,000 steps,
    /// evenly spaced, are scored. Returns the shift in the agent's reward units (what the median step
    /// was worth before), or nil when the segments hold no step.
    @discardableResult
    static func centreOnMedianStep(_ model: RewardEnsemble, of segments: [Segment]) -> Float? {
        var observations: [[Float]] = [], actions: [[Float]] = []
        for segment in segments {
            observations += segment.observations
            actions += segment.actions
        }
        guard !observations.isEmpty else { return nil }
        let stride = Swift.max(1, (observations.count + 19_999) / 20_000)
        let picked = Array(Swift.stride(from: 0, to: observations.count, by: stride))
        var rewards = model.rewards(observations: picked.map { observations[$0] }, actions: picked.map { actions[$0] })
        rewards.sort()
        let middle = rewards.count / 2
        let median = rewards.count % 2 == 1 ? rewards[middle] : (rewards[middle - 1] + rewards[middle]) / 2
        model.configuration.outputMean += median * model.configuration.outputStd
        return median
    }
}
