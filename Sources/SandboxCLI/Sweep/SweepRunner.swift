import Foundation
import Rendering
import SandboxCore

/// Runs a sweep's runs and merges their summaries. Each run writes its own folder
/// `OUT/runs/<name>/` (the command's output under `out/`, its printed output in `output.log`); a
/// finished run leaves `sweep-run.json` (its summary), written last and atomically, so a rerun skips
/// finished runs and redoes any other (a run whose process died leaves no summary).
public struct SweepRunner: Sendable {
    public let specification: SweepSpecification
    public let folder: URL

    public init(specification: SweepSpecification, folder: URL) {
        self.specification = specification
        self.folder = folder
    }

    /// What a finished run reports: its settings, seed, time and final metrics.
    public struct Summary: Codable, Sendable, Equatable {
        public var configuration: Int
        public var settings: String
        public var seed: UInt64
        public var seconds: Double
        public var metrics: [String: Double]
    }

    /// How a run is executed: in this process (MPI ranks), or as a child process of the `sandbox`
    /// executable at the given path (local jobs: a crash stays in its child).
    public enum Execution: Sendable { case inProcess, subprocess(URL) }

    public func runFolder(_ run: SweepRun) -> URL { folder.appendingPathComponent("runs").appendingPathComponent(run.name) }
    func summaryFile(_ run: SweepRun) -> URL { runFolder(run).appendingPathComponent("sweep-run.json") }

    /// The summary of a finished run; nil when it has not finished.
    public func summary(of run: SweepRun) -> Summary? {
        guard let data = try? Data(contentsOf: summaryFile(run)) else { return nil }
        return try? JSONDecoder().decode(Summary.self, from: data)
    }

    /// Runs `run` (clearing what an unfinished earlier attempt left) and records its summary.
    @discardableResult
    public func execute(_ run: SweepRun, _ execution: Execution) throws -> Summary {
        let directory = runFolder(run)
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("out"), withIntermediateDirectories: true)
        let arguments = specification.arguments(for: run, folder: directory.appendingPathComponent("out"))
        let log = directory.appendingPathComponent("output.log")
        let start = Date()
        let status: Int32
        switch execution {
        case .inProcess:
            let console = Console(capturingWithInput: nil)
            status = SandboxCLI.run(arguments, console: console)
            try Data(("$ sandbox " + arguments.joined(separator: " ") + "\n" + console.output + console.errorOutput).utf8).write(to: log)
        case .subprocess(let executable):
            _ = FileManager.default.createFile(atPath: log.path, contents: Data(("$ sandbox " + arguments.joined(separator: " ") + "\n").utf8))
            let handle = try FileHandle(forWritingTo: log)
            handle.seekToEndOfFile()
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            try handle.close()
            status = process.terminationStatus
        }
        guard status == 0 else { throw SweepError.runFailed(run.name, status: status, log: log.path) }
        let summary = Summary(configuration: run.configuration, settings: run.settingsText, seed: run.seed,
                              seconds: Date().timeIntervalSince(start), metrics: Self.finalMetrics(in: directory.appendingPathComponent("out")))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try writeAtomically(try encoder.encode(summary), to: summaryFile(run))
        return summary
    }

    /// A run's final metrics: the last value of every metric in its `metrics.jsonl`, then the numbers
    /// of a `summary.json` (qdhf), then a regret study's near-optimal fractions.
    static func finalMetrics(in folder: URL) -> [String: Double] {
        var metrics: [String: Double] = [:]
        guard let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap({ $0 as? URL }) else { return metrics }
        for file in files.sorted(by: { $0.path < $1.path }) {
            switch file.lastPathComponent {
            case "metrics.jsonl":
                for line in (try? String(contentsOf: file, encoding: .utf8))?.split(separator: "\n") ?? [] {
                    if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] {
                        for (key, value) in object { if let n = value as? NSNumber { metrics[key] = n.doubleValue } }
                    }
                }
            case "summary.json":
                if let object = (try? Data(contentsOf: file)).flatMap({ try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }) {
                    for (key, value) in object { if let n = value as? NSNumber { metrics[key] = n.doubleValue } }
                }
            case "study.jsonl":
                for line in (try? String(contentsOf: file, encoding: .utf8))?.split(separator: "\n") ?? [] {
                    guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                          let teacher = object["teacher"] as? String, let learner = object["learner"] as? String,
                          let size = object["preferences"] as? Int, let scores = object["scaledReturns"] as? [Double], !scores.isEmpty else { continue }
                    metrics["near_optimal/\(teacher)>\(learner)@\(size)"] = Double(scores.filter { $0 > 0.9 }.count) / Double(scores.count)
                }
            default: break
            }
        }
        return metrics
    }

    /// The metrics the merged table shows: the file's `metrics`, else the usual results present.
    func tableMetrics(_ summaries: [Summary]) -> [String] {
        if let chosen = specification.metrics { return chosen }
        let usual = ["eval/return", "charts/true_return", "qd/archive_qd_score", "qd/archive_coverage", "qd/all_qd_score", "pbrl/label_accuracy"]
        let present = Set(summaries.flatMap(\.metrics.keys))
        let found = usual.filter(present.contains)
        return found.isEmpty ? present.filter { $0.hasPrefix("near_optimal/") }.sorted() : found
    }

    /// Writes `sweep.jsonl` (one line per finished run), `sweep.md` (per configuration: its settings,
    /// n, the seeds, and mean ± std of each metric) and one PNG per metric; returns the table.
    @discardableResult
    public func merge() throws -> (table: String, finished: Int, total: Int) {
        let runs = specification.runs
        let summaries = runs.compactMap(summary(of:))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let lines = try summaries.map { String(decoding: try encoder.encode($0), as: UTF8.self) }.joined(separator: "\n")
        try writeAtomically(Data((lines + (lines.isEmpty ? "" : "\n")).utf8), to: folder.appendingPathComponent("sweep.jsonl"))
        let metrics = tableMetrics(summaries)
        let configurations = specification.configurations
        var table = "| config | settings | n | seeds | " + metrics.joined(separator: " | ") + " |\n"
        table += "|---|---|---|---|" + metrics.map { _ in "---|" }.joined() + "\n"
        var plotPoints: [String: [(x: Double, mean: Double, std: Double)]] = [:]
        for index in configurations.indices {
            let rows = summaries.filter { $0.configuration == index }
            let settings = SweepRun(configuration: index, settings: configurations[index].map { ($0.name, $0.value) }, seed: 0).settingsText
            var cells: [String] = []
            for metric in metrics {
                let values = rows.compactMap { $0.metrics[metric] }
                guard !values.isEmpty else { cells.append("–"); continue }
                let mean = values.reduce(0, +) / Double(values.count)
                let std = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
                cells.append(String(format: "%.3f ± %.3f", mean, std))
                plotPoints[metric, default: []].append((Double(index), mean, std))
            }
            table += String(format: "| c%02d | %@ | %d | %@ | ", index, settings, rows.count, rows.map { String($0.seed) }.joined(separator: ", "))
                + cells.joined(separator: " | ") + " |\n"
        }
        let header = "# Sweep: sandbox \(specification.command)\(specification.action.map { " " + $0 } ?? "")\n\n"
            + "\(summaries.count) of \(runs.count) runs finished; mean ± std over the seeds of each configuration.\n\n"
        try writeAtomically(Data((header + table).utf8), to: folder.appendingPathComponent("sweep.md"))
        for (metric, points) in plotPoints {
            let series = [("mean", points.map { (x: $0.x, y: $0.mean) }), ("mean − std", points.map { (x: $0.x, y: $0.mean - $0.std) }),
                          ("mean + std", points.map { (x: $0.x, y: $0.mean + $0.std) })]
                .map { LinePlot.Series(label: $0.0, points: $0.1) }
            let name = metric.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: ">", with: "-").replacingOccurrences(of: "@", with: "_")
            try LinePlot(title: "\(metric) per configuration (mean ± std over seeds)", xLabel: "configuration", yLabel: metric, series: series)
                .writePNG(to: folder.appendingPathComponent("sweep_\(name).png").path)
        }
        return (table, summaries.count, runs.count)
    }
}
