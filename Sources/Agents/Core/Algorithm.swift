/// The reinforcement-learning algorithms this package trains with.
public enum Algorithm: String, Codable, CaseIterable, Sendable {
    case ppo, sac

    /// `PPO`, `SAC`.
    public var displayName: String { rawValue.uppercased() }

    /// rl-baselines3-zoo's budgets (`n_timesteps`) for a task name, used when no step count is given.
    public func defaultSteps(task: String) -> Int {
        switch (task, self) {
        case ("LunarLanderContinuous", .ppo): return 1_000_000
        case ("LunarLanderContinuous", .sac): return 500_000
        case ("BipedalWalker", .ppo): return 5_000_000
        case ("BipedalWalker", .sac): return 500_000
        case ("BipedalWalkerHardcore", .ppo): return 100_000_000
        default: return 1_000_000
        }
    }
}
