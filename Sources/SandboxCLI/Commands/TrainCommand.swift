import RewardLearning
import Agents
import Foundation
import SandboxCore
import Rendering
import PhysicsEnvs

/// Set by the SIGINT handler; training stops after the current iteration and writes a checkpoint.
nonisolated(unsafe) var interruptRequested: sig_atomic_t = 0

enum TrainCommand {
    static let help = """
    usage: sandbox train --task ID --algo ppo|sac [--steps N] [--seed S] [--envs K]
                         [--reward true|terms:NAME=W,...|model:PATH] [--out DIR] [--checkpoint-every N]
                         [--option KEY=VALUE ...] [--hyperparameter KEY=VALUE ...]
           sandbox train --resume RUN_DIR [--steps N]

    Trains an agent and writes runs/<task>__<algo>__<seed>__<time>/ (or under --out DIR):
    config.json, metrics.jsonl, checkpoints/, policy.safetensors, learning_curve.png, eval/.
    Hyperparameters are the RL Baselines3 Zoo's tuned values for the task (SB3's defaults otherwise);
    --steps defaults to the Zoo's budget. Ctrl-C stops after the current iteration and writes a
    checkpoint; --resume RUN_DIR continues from it (--steps raises the budget).
      --reward  true (the task's reward), terms:NAME=W,... (a weighted sum of reward terms), or
                model:PATH (a reward model checkpoint from the preference loop)
      --envs    parallel copies of the task (PPO only)
      --hyperparameter KEY=VALUE  sets one of the agent's hyperparameters after the Zoo's (repeatable;
                names as in config.json, e.g. learningRate=0.0003, annealLearningRate=false,
                hiddenSizes=[256,256]); an unknown name lists the known ones
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        let resume = arguments.string("resume")
        let stepsOverride = try arguments.int("steps", minimum: 1)
        let runDirectory: RunDirectory
        var configuration: RunConfiguration
        let trainer: any Trainer
        if let resume {
            try arguments.checkAllUsed()
            runDirectory = RunDirectory(url: URL(fileURLWithPath: resume))
            guard FileManager.default.fileExists(atPath: runDirectory.configurationFile.path) else {
                throw UsageError("\(resume) is not a run folder (it has no config.json); give a folder `sandbox train` made")
            }
            if FileManager.default.fileExists(atPath: runDirectory.url.appendingPathComponent(PreferenceRunSettings.fileName).path) {
                throw UsageError("\(resume) is a `sandbox pbrl` run; continue it with its preference loop: sandbox pbrl --resume \(resume)")
            }
            configuration = try runDirectory.readConfiguration()
            if let stepsOverride { configuration.totalSteps = stepsOverride }
            guard FileManager.default.fileExists(atPath: runDirectory.latestCheckpoint.path) else {
                throw UsageError("\(resume) has no checkpoints/latest.safetensors to resume from")
            }
            trainer = try makeTrainer(configuration)
        } else {
            guard let taskID = arguments.string("task") else {
                throw UsageError("train needs --task ID (see `sandbox tasks`) or --resume RUN_DIR")
            }
            let algorithm = try arguments.algorithm(for: "train")
            let seed = try arguments.seed()
            let envs = try arguments.int("envs", minimum: 1, maximum: 1024)
            let rewardText = arguments.string("reward") ?? "true"
            let out = arguments.string("out") ?? "runs"
            let options = try arguments.taskOptions()
            let checkpointEvery = try arguments.int("checkpoint-every", minimum: 1)
            let hyperparameters = arguments.strings("hyperparameter")
            try arguments.checkAllUsed()

            let spec = try SandboxCLI.tasks.spec(for: taskID)
            let reward = try RewardSpecification(parsing: rewardText)
            var agent = AgentSettings.tuned(algorithm, for: spec.name)
            switch agent {
            case .ppo(var c):
                if let envs { c.environmentCount = envs }
                agent = .ppo(c)
            case .sac:
                if let envs, envs != 1 { throw UsageError("SAC steps a single copy of the task; drop --envs \(envs)") }
            }
            agent = try setHyperparameters(hyperparameters, of: agent)
            let total = stepsOverride ?? algorithm.defaultSteps(task: spec.name)
            configuration = RunConfiguration(
                task: spec.id, agent: agent, seed: seed, totalSteps: total, reward: reward, taskOptions: options,
                checkpointInterval: checkpointEvery ?? Swift.max(total / 10, 1),
                started: ISO8601DateFormatter().string(from: Date()))
            // The trainer is made before the run folder, so that bad settings leave no half-made folder.
            trainer = try makeTrainer(configuration)
            runDirectory = try RunDirectory.create(under: URL(fileURLWithPath: out), task: spec.name, algorithm: algorithm.rawValue, seed: seed)
            try runDirectory.removingIfUnstarted { try runDirectory.write(configuration) }
        }

        if resume != nil {
            try trainer.loadState(from: runDirectory.latestCheckpoint)
            guard trainer.globalStep < configuration.totalSteps else {
                throw UsageError("\(runDirectory.url.path) already trained its \(configuration.totalSteps) steps; give a larger budget to go on, e.g. --steps \(configuration.totalSteps * 2)")
            }
            try runDirectory.write(configuration)
            print("resuming \(runDirectory.url.path) at step \(trainer.globalStep) of \(configuration.totalSteps)")
        } else {
            print("training \(configuration.algorithm.displayName) on \(configuration.task) for \(configuration.totalSteps) steps → \(runDirectory.url.path)")
        }
        if case .ppo(let ppo) = configuration.agent { printRolloutRounding(ppo, budget: configuration.totalSteps) }
        fflush(stdout)

        signal(SIGINT) { _ in
            interruptRequested = 1
            signal(SIGINT, SIG_DFL)  // a second Ctrl-C stops at once
        }
        // A parent (a process manager, a test runner) may have started us with SIGINT blocked.
        var interruptOnly = sigset_t()
        sigemptyset(&interruptOnly)
        sigaddset(&interruptOnly, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &interruptOnly, nil)
        let session = try runDirectory.removingIfUnstarted {
            try TrainingSession(trainer: trainer, run: runDirectory, configuration: configuration, tasks: SandboxCLI.tasks)
        }
        let progress = ProgressBar("\(configuration.algorithm.rawValue) \(configuration.task)", total: configuration.stepsToRun)
        progress.resume(at: trainer.globalStep)
        let finished = try session.run(shouldStop: { interruptRequested != 0 }, progress: progress)
        if !finished {
            print("\nstopped at step \(trainer.globalStep); checkpoint written. Continue with: sandbox train --resume \(runDirectory.url.path)")
            return 130
        }
        if let evaluation = runDirectory.evaluationSummary(from: runDirectory.readMetrics()) {
            print("done: \(trainer.globalStep) steps; \(evaluation)")
        }
        print("policy  \(runDirectory.policyFile.path)")
        print("curve   \(runDirectory.learningCurve.path)")
        return 0
    }

    /// Applies `--hyperparameter KEY=VALUE` assignments, as a usage error when one does not fit.
    static func setHyperparameters(_ assignments: [String], of agent: AgentSettings) throws -> AgentSettings {
        do {
            return try agent.setting(assignments)
        } catch let error as HyperparameterError {
            throw UsageError("--hyperparameter: \(error.description)")
        }
    }

    /// Says so when PPO will run more steps than asked: it trains whole rollouts.
    static func printRolloutRounding(_ ppo: PPO.Configuration, budget: Int) {
        let steps = ppo.stepsRun(budget: budget)
        if steps != budget {
            print("note: PPO trains whole rollouts of \(ppo.rolloutSize) steps (\(ppo.environmentCount) copies × \(ppo.stepsPerEnvironment)), so this run takes \(steps) steps")
        }
    }

    static func makeTrainer(_ configuration: RunConfiguration) throws -> any Trainer {
        let spec = try SandboxCLI.tasks.spec(for: configuration.task)
        return try configuration.makeTrainer(tasks: SandboxCLI.tasks, reward: try RewardSource(configuration.reward, task: spec))
    }
}

extension RunDirectory {
    /// The closing report of `train` and `pbrl`: the true return of the run's last evaluation episode in
    /// `metrics` (this run's `readMetrics()`), and the command that gives a mean over episodes; nil before any evaluation.
    func evaluationSummary(from metrics: [[String: Double]]) -> String? {
        guard let value = metrics.last(where: { $0["eval/return"] != nil })?["eval/return"] else { return nil }
        return String(format: "evaluation episode true return %.2f", value)
            + " (one deterministic episode; for a mean: sandbox eval --policy \(url.path) --episodes 10)"
    }
}

extension RunDirectory {
    /// Runs `body`; when it throws before the run has its first checkpoint, the run folder is removed,
    /// so that a failed command leaves no half-made run behind.
    func removingIfUnstarted<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            if !FileManager.default.fileExists(atPath: latestCheckpoint.path) { try? FileManager.default.removeItem(at: url) }
            throw error
        }
    }
}
