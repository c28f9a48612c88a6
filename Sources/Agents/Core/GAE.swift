/// Generalised advantage estimation (Schulman et al. 2016) over a rollout of T steps × N copies.
///
/// - Parameters:
///   - rewards, values, dones: [T][N]; `dones[t][n]` is true when step t ended an episode (terminated
///     or truncated) — then the next value is not bootstrapped from the next state of the rollout.
///   - terminalValues: [T][N] values of the final observation where an episode was truncated (SB3
///     adds γ·V(final) to that step's reward), 0 elsewhere.
///   - lastValues: [N] values of the observation after the last step; `lastDones` whether it starts a new episode.
/// - Returns: advantages and returns (advantage + value), [T][N].
public func generalizedAdvantages(
    rewards: [[Double]], values: [[Double]], dones: [[Bool]], terminalValues: [[Double]]? = nil,
    lastValues: [Double], gamma: Double, lambda: Double
) -> (advantages: [[Double]], returns: [[Double]]) {
    let steps = rewards.count
    guard steps > 0 else { return ([], []) }
    let copies = rewards[0].count
    var advantages = Array(repeating: Array(repeating: 0.0, count: copies), count: steps)
    var running = Array(repeating: 0.0, count: copies)
    for t in stride(from: steps - 1, through: 0, by: -1) {
        for n in 0..<copies {
            let nextValue = t == steps - 1 ? lastValues[n] : values[t + 1][n]
            let notDone = dones[t][n] ? 0.0 : 1.0
            let reward = rewards[t][n] + gamma * (terminalValues?[t][n] ?? 0)
            let delta = reward + gamma * nextValue * notDone - values[t][n]
            running[n] = delta + gamma * lambda * notDone * running[n]
            advantages[t][n] = running[n]
        }
    }
    let returns = zip(advantages, values).map { zip($0, $1).map(+) }
    return (advantages, returns)
}
