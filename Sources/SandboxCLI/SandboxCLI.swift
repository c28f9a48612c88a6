import Foundation
import GridWorlds
import PhysicsEnvs
import SandboxCore
import QDHF

/// The `sandbox` command-line tool as a library: `main.swift` only calls `SandboxCLI.run`, and tests
/// call it in-process.
public enum SandboxCLI {
    /// Every task this program knows: each task family's entries, assembled here.
    public static let tasks = TaskRegistry(PhysicsTasks.entries + TabletopTasks.entries + GridTasks.entries)

    /// Runs one command line (without the program name) and returns its exit status: 0 on success,
    /// 1 for a failure, 2 for a usage error. Errors are printed to standard error as one line. Output
    /// goes to `console` (the process's streams unless given; a capturing console for in-process use).
    public static func run(_ argv: [String], console: Console) -> Int32 {
        // A capturing console keeps the command's progress bars quiet too (they write to the terminal).
        ProgressBar.$silenced.withValue(console.isCapturing) { Console.$current.withValue(console) { run(argv) } }
    }

    /// Runs one command line on the current console (the process's streams).
    public static func run(_ argv: [String]) -> Int32 {
        if argv.first == "--version" || argv.first == "version" {
            print(versionText)
            return 0
        }
        if argv == ["help", "--markdown"] {
            print(commandReference, terminator: "")
            return 0
        }
        if argv.first == "help", argv.count == 2 {
            guard let text = helpTexts[argv[1]] else {
                return fail("no command '\(argv[1])'; commands are \(commands.keys.sorted().joined(separator: ", ")) (see `sandbox --help`)", status: 2)
            }
            print(text)
            return 0
        }
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
            // Switches that take no value; `heron --ranking` takes one (a ranking), `label --ranking` does not.
            var switches = Self.switches
            if name == "heron" { switches.remove("ranking") }
            var arguments = try Arguments(Array(argv.dropFirst()), command: name, flags: switches)
            // Commands that read files or actions from bare arguments; the others take options only, and a
            // bare word there is a slip (a value given twice, a missing --) that must not pass unnoticed.
            let takesBareArguments: Set = ["replay", "pair", "plot", "queries", "archive", "labels", "regret", "sweep", "report", "encoder", "rapl"]
            if !takesBareArguments.contains(name), let stray = arguments.positional.first {
                throw UsageError("`sandbox \(name)` takes options only, not '\(stray)' (options start with --; see `sandbox \(name) --help`)")
            }
            return try command(&arguments)
        } catch {
            let (message, status) = report(error)
            return fail(message, status: status)
        }
    }

    /// An error as one line and its exit status: 2 when the command was called wrongly (a bad option or
    /// value, an unknown name), 1 for everything else. Foundation's file errors and Swift's decoding
    /// errors are put in words here, so that no command prints `NSCocoaErrorDomain error 256` or a dump.
    static func report(_ error: any Error) -> (message: String, status: Int32) {
        switch error {
        case let error as UsageError:
            return (error.description, 2)
        case let error as any UsageErrorClassifying:
            return ("\(error)", error.isUsageError ? 2 : 1)
        case let error as DecodingError:
            return ("a file is not in the expected format: \(describe(error))", 1)
        case let error as EncodingError:
            return ("a value could not be written as JSON (\(error.localizedDescription))", 1)
        case is CocoaError, is POSIXError:
            return (describeFoundationError(error), 1)
        case _ where type(of: error) is NSError.Type:
            return (describeFoundationError(error), 1)
        case let error as CustomStringConvertible:
            return (error.description, 1)
        default:
            return (describeFoundationError(error), 1)
        }
    }

    private static func describeFoundationError(_ error: any Error) -> String {
        let reason = describeFileError(error)
        return failedPath(of: error).map { "\($0): \(reason)" } ?? reason
    }

    /// The options that take no value, for every command (`heron` reads `--ranking` as an option with a value).
    static let switches: Set<String> = ["json", "help", "stochastic", "distributed", "summary", "ties-equal", "raw-output", "observation-only",
                                        "terminal", "ranking", "nonpositive-reward", "log-x", "verbose", "no-equal", "any-task"]

    private static func fail(_ message: String, status: Int32) -> Int32 {
        Console.current.writeError("sandbox: error: \(message)\n")
        return status
    }
}

/// This build's version (semantic: the minor number grows with each batch of features).
public let sandboxVersion = "0.23.0"

let versionText = "sandbox \(sandboxVersion) (episode records v\(EpisodeRecord.formatVersion), archive bundles v\(ArchiveBundle.formatVersion))"

let usage = """
sandbox — learn robot rewards from human feedback

usage: sandbox <command> [options]
       sandbox help COMMAND     a command's options (as sandbox COMMAND --help)
       sandbox --version

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
  cpl --task ID --store FILE.db           Contrastive Preference Learning: a policy straight from answered queries
  qdhf --domain arm|maze|lander --method M --out DIR  quality diversity with measures learned from similarity judgments
  archive export|show|replay|import       policy archives (bundles) from qdhf runs
  label --store FILE.db                   the labelling window: answer pair and triplet queries (or --terminal)
  label --ranking --task ID --out F.json  rank a task's reward terms for hierarchical feedback (HERON)
  labels stats --store FILE.db            per-annotator counts, skip/equal rates, agreement, response times
  heron --task ID --algo ppo|sac          HERON: an agent steered by a ranking of its reward terms
  regret study|teacher|fit-labels         partial return or regret? Knox et al.'s delivery study; an expert's regret; which model fits a person
  sweep SPEC.json [--jobs K]              a grid of option values × seeds, runs merged into one table (MPI: sandbox-mpi)
  report DIR                              one self-contained HTML page of a run, bundle, sweep or the whole demo
  encoder pretrain --task ID --out F      pretrain a visual encoder on the task's own frames (time-contrastive)
  rapl align|train|evaluate --task ID     RAPL: a visual reward aligned by preference triplets, optimal transport

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
    "cpl": CPLCommand.run,
    "qdhf": QDHFCommand.run,
    "archive": ArchiveCommand.run,
    "label": LabelCommand.run,
    "labels": LabelsCommand.run,
    "regret": RegretCommand.run,
    "heron": HeronCommand.run,
    "sweep": SweepCommand.run,
    "report": ReportCommand.run,
    "encoder": EncoderCommand.run,
    "rapl": RAPLCommand.run,
]
private let helpTexts: [String: String] = [
    "tasks": TasksCommand.help, "rollout": RolloutCommand.help, "replay": ReplayCommand.help, "pair": PairCommand.help,
    "train": TrainCommand.help, "eval": EvalCommand.help, "plot": PlotCommand.help,
    "queries": QueriesCommand.help, "fit-reward": FitRewardCommand.help, "pbrl": PBRLCommand.help, "cpl": CPLCommand.help, "qdhf": QDHFCommand.help,
    "archive": ArchiveCommand.help, "label": LabelCommand.help, "labels": LabelsCommand.help, "regret": RegretCommand.help, "heron": HeronCommand.help, "sweep": SweepCommand.help, "report": ReportCommand.help,
    "encoder": EncoderCommand.help, "rapl": RAPLCommand.help,
]

/// The commands in the order `sandbox --help` lists them.
let commandOrder = ["tasks", "rollout", "replay", "pair", "train", "eval", "plot", "queries", "fit-reward", "pbrl", "cpl", "qdhf",
                    "archive", "label", "labels", "heron", "regret", "sweep", "report", "encoder", "rapl"]

/// The README's command reference, made from the tool's own help texts (`sandbox help --markdown`), so
/// that it cannot drift from them: a test compares the README with it.
let commandReference: String = {
    var text = "```text\n\(usage)\n```\n\n"
    for name in commandOrder {
        text += "<details><summary><code>sandbox \(name)</code></summary>\n\n```text\n\(helpTexts[name]!)\n```\n\n</details>\n\n"
    }
    return text
}()
