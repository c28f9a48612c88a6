import Foundation
import SandboxCore

/// A sweep file: one command, options every run shares, a grid of option values, and seeds.
///
/// ```json
/// {"command": "train",
///  "options": {"task": "LunarLanderContinuous", "algo": "ppo", "steps": 50000},
///  "grid": {"hyperparameter": ["learningRate=0.0003", "learningRate=0.001"]},
///  "seeds": [1, 2, 3],
///  "metrics": ["eval/return"]}
/// ```
/// Every combination of the grid's values (keys in sorted order) is a configuration; each runs once
/// per seed. Option names are the command's, without `--`; `true` is a switch; a list repeats an
/// option. `seeds` is a list, or a count n meaning seeds 0…n−1. `metrics` (optional) picks the columns
/// of the merged table.
public struct SweepSpecification: Sendable, Equatable {
    /// The commands a sweep can run, and where each writes.
    public static let commands: [String: OutputKind] = [
        "train": .parentFolder, "pbrl": .parentFolder, "heron": .parentFolder, "cpl": .parentFolder,
        "qdhf": .runFolder, "regret": .runFolder,
    ]
    /// How a command takes `--out`: a folder it makes its run folder in, or the run folder itself.
    public enum OutputKind: Sendable { case parentFolder, runFolder }

    /// An option value as written in the file.
    public enum Value: Sendable, Equatable, CustomStringConvertible, Decodable {
        case text(String)
        case number(Double)
        case flag(Bool)
        case list([Value])

        public var description: String {
            switch self {
            case .text(let s): return s
            case .number(let n): return n.plainText
            case .flag(let b): return b ? "true" : "false"
            case .list(let values): return values.map(\.description).joined(separator: " ")
            }
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) { self = .flag(b) }
            else if let n = try? c.decode(Double.self) { self = .number(n) }
            else if let s = try? c.decode(String.self) { self = .text(s) }
            else if let list = try? c.decode([Value].self) { self = .list(list) }
            else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "must be text, a number, true/false or a list of them") }
        }
    }

    public var command: String
    /// The action of a command that has them (`regret study`), as the first word after the command.
    public var action: String?
    public var options: [String: Value]
    public var grid: [(name: String, values: [Value])]
    public var seeds: [UInt64]
    public var metrics: [String]?

    public static func == (a: Self, b: Self) -> Bool {
        a.command == b.command && a.action == b.action && a.options == b.options && a.seeds == b.seeds && a.metrics == b.metrics
            && a.grid.map(\.name) == b.grid.map(\.name) && a.grid.map(\.values) == b.grid.map(\.values)
    }

    /// Reads and checks a sweep file; every problem names the field and the fix.
    public static func read(from url: URL) throws -> SweepSpecification {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SweepError.unreadable(url.path, describeFileError(error))
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let root = object as? [String: Any] else {
            throw SweepError.malformed(url.path, field: "top level", "not a JSON object; see `sandbox sweep --help` for the format")
        }
        return try SweepSpecification(root, file: url.path)
    }

    init(_ root: [String: Any], file: String) throws {
        func fail(_ field: String, _ problem: String) -> SweepError { .malformed(file, field: field, problem) }
        let known: Set = ["command", "action", "options", "grid", "seeds", "metrics"]
        if let extra = root.keys.sorted().first(where: { !known.contains($0) }) {
            throw fail(extra, "is not a field of a sweep file (fields: command, action, options, grid, seeds, metrics)")
        }
        guard let command = root["command"] as? String else { throw fail("command", "is missing or not text; one of \(Self.commands.keys.sorted().joined(separator: ", "))") }
        guard Self.commands[command] != nil else { throw fail("command", "'\(command)' cannot be swept; use one of \(Self.commands.keys.sorted().joined(separator: ", "))") }
        self.command = command
        if let action = root["action"] {
            guard let text = action as? String, !text.isEmpty else { throw fail("action", "must be text, e.g. \"study\"") }
            self.action = text
        } else {
            action = command == "regret" ? "study" : nil
        }
        func value(_ any: Any, field: String) throws -> Value {
            // JSONDecoder tells true/false from numbers, which NSNumber does not on every platform.
            guard let data = try? JSONSerialization.data(withJSONObject: [any]),
                  let decoded = try? JSONDecoder().decode([Value].self, from: data).first else {
                throw fail(field, "must be text, a number, true/false or a list of them")
            }
            return decoded
        }
        let reserved: Set = ["out", "seed", "resume"]
        guard let options = (root["options"] ?? [String: Any]()) as? [String: Any] else { throw fail("options", "must be an object of option names to values") }
        self.options = try options.reduce(into: [:]) { result, entry in
            guard !reserved.contains(entry.key) else { throw fail("options.\(entry.key)", "is set by the sweep for each run; leave it out") }
            result[entry.key] = try value(entry.value, field: "options.\(entry.key)")
        }
        guard let grid = (root["grid"] ?? [String: Any]()) as? [String: Any] else { throw fail("grid", "must be an object of option names to lists of values") }
        self.grid = try grid.keys.sorted().map { key in
            guard !reserved.contains(key) else { throw fail("grid.\(key)", "is set by the sweep for each run; leave it out") }
            guard let values = grid[key] as? [Any], !values.isEmpty else { throw fail("grid.\(key)", "must be a non-empty list of values") }
            return (key, try values.map { try value($0, field: "grid.\(key)") })
        }
        switch root["seeds"] {
        case nil: seeds = [0]
        case let list as [Any]:
            seeds = try list.map { item in
                guard let n = item as? NSNumber, n.doubleValue >= 0, n.doubleValue == n.doubleValue.rounded(), n.doubleValue < 1e18 else {
                    throw fail("seeds", "must list whole numbers ≥ 0, e.g. [1, 2, 3]")
                }
                return n.uint64Value
            }
            guard !seeds.isEmpty else { throw fail("seeds", "must list at least one seed") }
        case let n as NSNumber where n.doubleValue >= 1 && n.doubleValue <= 10_000 && n.doubleValue == n.doubleValue.rounded():
            seeds = (0..<n.uint64Value).map { $0 }
        default:
            throw fail("seeds", "must be a list of seeds or a count from 1 to 10000")
        }
        if let metrics = root["metrics"] {
            guard let list = metrics as? [String], !list.isEmpty else { throw fail("metrics", "must be a non-empty list of metric names, e.g. [\"eval/return\"]") }
            self.metrics = list
        }
    }

    /// The configurations: every combination of the grid's values, in order.
    public var configurations: [[(name: String, value: Value)]] {
        grid.reduce([[]]) { partial, axis in partial.flatMap { prefix in axis.values.map { prefix + [(axis.name, $0)] } } }
    }

    /// Every run: a configuration and a seed, configuration-major.
    public var runs: [SweepRun] {
        configurations.enumerated().flatMap { index, settings in
            seeds.map { SweepRun(configuration: index, settings: settings.map { ($0.name, $0.value) }, seed: $0) }
        }
    }

    /// The command line of `run`, writing under `folder`.
    public func arguments(for run: SweepRun, folder: URL) -> [String] {
        var argv = [command] + (action.map { [$0] } ?? [])
        let merged = options.merging(Dictionary(run.settings.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })) { _, grid in grid }
        for key in merged.keys.sorted() {
            switch merged[key]! {
            case .flag(let on): if on { argv.append("--\(key)") }
            case .list(let values): for v in values { argv += ["--\(key)", v.description] }
            case let v: argv += ["--\(key)", v.description]
            }
        }
        return argv + ["--seed", String(run.seed), "--out", folder.path]
    }
}

/// One run of a sweep: its configuration's index and settings, and its seed.
public struct SweepRun: Sendable {
    public var configuration: Int
    public var settings: [(name: String, value: SweepSpecification.Value)]
    public var seed: UInt64

    /// `c03-seed2`: the run's folder name under `runs/`.
    public var name: String { String(format: "c%02d-seed%llu", configuration, seed) }
    /// `hyperparameter=learningRate=0.001, envs=2`, or `(defaults)` for the only configuration of an empty grid.
    public var settingsText: String {
        settings.isEmpty ? "(defaults)" : settings.map { "\($0.name)=\($0.value)" }.joined(separator: ", ")
    }
}

public enum SweepError: Error, CustomStringConvertible, UsageErrorClassifying {
    case unreadable(String, String)
    case malformed(String, field: String, String)
    case badShard(String)
    case runFailed(String, status: Int32, log: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "cannot read sweep file \(path): \(reason)"
        case let .malformed(path, field, problem): return "sweep file \(path): \(field) \(problem)"
        case .badShard(let text): return "--shard takes I/N with 0 ≤ I < N (a SLURM array's task id and count), e.g. 0/4; got '\(text)'"
        case let .runFailed(name, status, log): return "run \(name) failed with exit status \(status); see \(log)"
        }
    }

    public var isUsageError: Bool {
        switch self {
        case .malformed, .badShard: return true
        case .unreadable, .runFailed: return false
        }
    }
}
