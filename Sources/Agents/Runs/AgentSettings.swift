import SandboxCore

/// Which algorithm a run trains with, and its hyperparameters: one case per algorithm, so a run can
/// never name one algorithm and carry another's settings.
public enum AgentSettings: Sendable {
    case ppo(PPO.Configuration)
    case sac(SAC.Configuration)

    public var algorithm: Algorithm {
        switch self {
        case .ppo: return .ppo
        case .sac: return .sac
        }
    }

    /// The Zoo's tuned hyperparameters for `task` (a task name without version).
    public static func tuned(_ algorithm: Algorithm, for task: String) -> AgentSettings {
        switch algorithm {
        case .ppo: return .ppo(PPO.Configuration.tuned(for: task))
        case .sac: return .sac(SAC.Configuration.tuned(for: task))
        }
    }

    /// Checks the settings a trainer cannot run with, as making the trainer does.
    package func validate() throws {
        switch self {
        case .ppo(let c): try c.validate()
        case .sac(let c): try c.validate()
        }
    }

    /// Applies `KEY=VALUE` assignments by their config.json names.
    public func setting(_ assignments: [String]) throws -> AgentSettings {
        switch self {
        case .ppo(let c): return .ppo(try c.setting(assignments))
        case .sac(let c): return .sac(try c.setting(assignments))
        }
    }
}

extension RunConfiguration {
    /// Builds the run's trainer on its task from `tasks`, rewarded by `reward`. SAC advances 1,000
    /// steps per iteration (one metrics line each).
    public func makeTrainer(tasks: TaskRegistry, reward: RewardSource) throws -> any Trainer {
        switch agent {
        case .ppo(let c):
            return try PPO(task: task, in: tasks, options: taskOptions, configuration: c, reward: reward, seed: seed, totalSteps: totalSteps)
        case .sac(let c):
            let sac = try SAC(task: task, in: tasks, options: taskOptions, configuration: c, reward: reward, seed: seed, totalSteps: totalSteps)
            sac.stepsPerIteration = 1000
            return sac
        }
    }
}

extension RunConfiguration {
    /// Steps the run will take: PPO trains whole rollouts, so its budget rounds up to a rollout;
    /// SAC takes exactly the budget.
    public var stepsToRun: Int {
        switch agent {
        case .ppo(let c): return c.stepsRun(budget: totalSteps)
        case .sac: return totalSteps
        }
    }
}
