import Agents
import Foundation
import QDHF
import RewardLearning
import SandboxCore

extension SandboxCLI {
    /// Parses a command line as `run` does and reads every typed option value in it with the parsers the
    /// commands use (`--steps`, `--seed`, shares, `--option KEY=VALUE`, `--size`, `--hidden`, `--reward`,
    /// `--teacher`, `--hyperparameter KEY=VALUE`, `--task` with its options, names of samplers, endings,
    /// offsets, kinds, methods and domains), without running the command: nothing is trained, rendered or
    /// written. Returns the one-line error of each value that does not parse, and of an unknown option.
    ///
    /// For checking the parsers against any input (the fuzz targets of issue 23); `argv` is the command
    /// line without the program name, as for `run`.
    package static func checkOptions(_ argv: [String]) -> [String] {
        let command = argv.first ?? ""
        var arguments: Arguments
        do {
            arguments = try Arguments(Array(argv.dropFirst()), command: command, flags: switches)
        } catch {
            return ["\(error)"]
        }
        var errors: [String] = []
        /// Runs one value's parser; its error is collected, so that the values after it are read too.
        func read(_ parse: (inout Arguments) throws -> Void) {
            do { try parse(&arguments) } catch { errors.append("\(error)") }
        }

        for name in ["steps", "envs", "checkpoint-every", "labels", "per-round", "segment", "ensemble", "epochs", "episodes",
                     "pairs", "max-steps", "top", "judgments", "iterations", "batch", "grid", "length"] {
            read { _ = try $0.int(name, minimum: 1) }
        }
        for name in ["demonstrations", "clips", "elite", "start"] {
            read { _ = try $0.int(name, minimum: 0) }
        }
        read { _ = try $0.fraction("demonstration-share", default: 0) }
        read { _ = try $0.fraction("feedback-fraction", default: 0.5) }
        read { _ = try $0.fraction("ending-share", default: 0, allowingZero: true) }
        read { _ = try $0.seed() }
        read { _ = try $0.hiddenSizes(default: []) }
        read { arguments in
            if let size = arguments.string("size") { _ = try RenderSize(parsing: size) }
        }
        read { arguments in
            let endings = try arguments.endings()
            let nonPositive = try arguments.nonPositiveReward(endings: endings)
            _ = try arguments.rewardOffset(endings: endings, nonPositive: nonPositive)
        }
        read { arguments in
            if let text = arguments.string("sampler"), QuerySampler(rawValue: text) == nil { throw UsageError("unknown sampler '\(text)'") }
            if let text = arguments.string("kind"), QueryKind(rawValue: text) == nil { throw UsageError("unknown kind '\(text)'") }
            if let text = arguments.string("method"), MeasureMethod(rawValue: text) == nil { throw UsageError("unknown method '\(text)'") }
            if let text = arguments.string("domain"), !QDDomains.names.contains(text) { throw UsageError("unknown domain '\(text)'") }
        }
        read { arguments in
            if let text = arguments.string("teacher") { _ = try TeacherSpecification(parsing: text) }
        }

        // The task, its options, the reward on it and the agent's hyperparameters, as train and pbrl read them.
        let options: [String: Double]
        do { options = try arguments.taskOptions() } catch { errors.append("\(error)"); options = [:] }
        let taskID = arguments.string("task")
        var spec: TaskSpec?
        if let taskID {
            do {
                spec = try tasks.spec(for: taskID)
                _ = try tasks.make(taskID, options: options)
            } catch { errors.append("\(error)") }
        }
        read { arguments in
            guard let text = arguments.string("reward") else { return }
            let reward = try RewardSpecification(parsing: text)
            if let spec { try reward.validate(against: spec) }
        }
        let algorithms: [Algorithm] = arguments.string("algo").map { Algorithm(rawValue: $0).map { [$0] } ?? [] } ?? Algorithm.allCases
        let hyperparameters = arguments.strings("hyperparameter")
        if !hyperparameters.isEmpty {
            for algorithm in algorithms {
                do {
                    let agent = try TrainCommand.setHyperparameters(hyperparameters,
                                                                    of: .tuned(algorithm, for: spec?.name ?? "LunarLanderContinuous"))
                    try agent.validate()
                } catch { errors.append("\(error)") }
            }
        }
        read { arguments in
            if !arguments.strings("algo").isEmpty { _ = try arguments.algorithm(for: command) }
        }
        // Paths and names, taken as they are typed.
        for name in ["out", "store", "policy", "clip", "record", "sheet", "screenshot", "trace", "reward-model", "resume", "run",
                     "annotator", "names", "title", "metric", "judge", "reward-offset"] {
            _ = arguments.string(name)
        }
        for name in switches { _ = arguments.flag(name) }
        do { try arguments.checkAllUsed() } catch { errors.append("\(error)") }
        return errors
    }
}
