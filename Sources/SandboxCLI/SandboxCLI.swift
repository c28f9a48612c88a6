import Foundation
import GridWorlds
import PhysicsEnvs
import SandboxCore

/// The `sandbox` command-line tool as a library: `main.swift` only calls `SandboxCLI.run`, and tests
/// call it in-process.
public enum SandboxCLI {
    /// Every task this program knows: each task family's entries, assembled here.
    public static let tasks = TaskRegistry(PhysicsTasks.entries + GridTasks.entries)

    /// Runs one command line (without the program name) and returns its exit status: 0 on success,
    /// 1 for a failure, 2 for a usage error. Errors are printed to standard error as one line. Output
    /// goes to `console` (the process's streams unless given; a capturing console for in-process use).
    public static func run(_ argv: [String], console: Console) -> Int32 {
        Console.$current.withValue(console) { run(argv) }
    }

    /// Runs one command line on the current console (the process's streams).
    public static func run(_ argv: [String]) -> Int32 {
        guard let name = argv.first, name != "--help", name != "-h", name != "help" else {
            print(usage)
            return argv.isEmpty ? 2 : 0
        }
        guard let command = commands[name] else {
            return fail("unknown command '\(name)'; commands are \(commands.keys.sorted().joined(separator: ", ")) (see `sandbox --help`)", status: 2)
        }
        interruptRequested = 0  // a Ctrl-C belongs to the command it stopped, not to the next in-process call
        if argv.contains("--help") || argv.contains("-h") {
            print(helpTexts[name]!)
            return 0
        }
        do {
            var arguments = try Arguments(Array(argv.dropFirst()), command: name, flags: switches)
            // Commands that read files or actions from bare arguments; the others take options only, and a
            // bare word there is a slip (a value given twice, a missing --) that must not pass unnoticed.
            let takesBareArguments: Set = ["replay", "pair", "plot", "queries", "archive", "labels"]
            if !takesBareArguments.contains(name), let stray = arguments.positional.first {
                throw UsageError("`sandbox \(name)` takes options only, not '\(stray)' (options start with --; see `sandbox \(name) --help`)")
            }
            return try command(&arguments)
        } catch let error as UsageError {
            return fail(error.description, status: 2)
        } catch let error as CustomStringConvertible {
            return fail(error.description, status: 1)
        } catch {
            return fail("\(error)", status: 1)
        }
    }

    /// The options that take no value, for every command.
    static let switches: Set<String> = ["json", "help", "stochastic", "observation-only", "terminal", "ranking", "nonpositive-reward"]

    private static func fail(_ message: String, status: Int32) -> Int32 {
        Console.current.writeError("sandbox: error: \(message)\n")
        return status
    }
}

let usage = """
sandbox — learn robot rewards from human feedback

usage: sandbox <command> [options]

commands:
  tasks                                   list the tasks with their spaces and reward terms
  rollout --task ID | --policy PATH       run episodes (random, heuristic or trained); clips, records, sheets
  replay FILE.json                        replay an episode record and say whether it matched
  pair A.json B.json --clip F             two episodes side by side (A | B), as a preference query
  train --task ID --algo ppo|sac          train an agent into runs/<task>__<algo>__<seed>__<time>/
  eval --policy PATH                      evaluate a trained policy: each return, mean and std
  plot RUN_DIR...                         overlay learning curves into a PNG
  queries make|answer|export|import|show  preference queries in a crash-safe label store
  fit-reward --store F --task ID --out M  fit a Bradley–Terry reward ensemble to answered queries
  pbrl --task ID --algo sac|ppo --teacher T  preference-based RL (PEBBLE / PrefPPO), simulated or human teacher
  qdhf --domain arm|maze|lander --method M --out DIR  quality diversity with measures learned from similarity judgments
  archive export|show|replay|import       policy archives (bundles) from qdhf runs
  label --store FILE.db                   the labelling window: answer pair and triplet queries (or --terminal)
  label --ranking --task ID --out F.json  rank a task's reward terms for hierarchical feedback (HERON)
  labels stats --store FILE.db            per-annotator counts, skip/equal rates, agreement, response times

Run `sandbox <command> --help` for a command's options.
"""

private let commands: [String: (inout Arguments) throws -> Int32] = [
    "tasks": TasksCommand.run,
    "rollout": RolloutCommand.run,
    "replay": ReplayCommand.run,
    "pair": PairCommand.run,
    "train": TrainCommand.run,
    "eval": EvalCommand.run,
    "plot": PlotCommand.run,
    "queries": QueriesCommand.run,
    "fit-reward": FitRewardCommand.run,
    "pbrl": PBRLCommand.run,
    "qdhf": QDHFCommand.run,
    "archive": ArchiveCommand.run,
    "label": LabelCommand.run,
    "labels": LabelsCommand.run,
]
private let helpTexts: [String: String] = [
    "tasks": TasksCommand.help, "rollout": RolloutCommand.help, "replay": ReplayCommand.help, "pair": PairCommand.help,
    "train": TrainCommand.help, "eval": EvalCommand.help, "plot": PlotCommand.help,
    "queries": QueriesCommand.help, "fit-reward": FitRewardCommand.help, "pbrl": PBRLCommand.help, "qdhf": QDHFCommand.help,
    "archive": ArchiveCommand.help, "label": LabelCommand.help, "labels": LabelsCommand.help,
]
