import Agents
import Foundation
import SandboxCore
import Rendering
import PhysicsEnvs

enum PlotCommand {
    static let help = """
    usage: sandbox plot RUN_DIR... [--out FILE.png] [--metric NAME] [--names A,B,...] [--title TEXT] [--log-x]

    Overlays the learning curves of one or more runs (metric charts/episodic_return by default, against
    global_step) and writes a PNG (default learning_curves.png). Each run is labelled from its
    config.json (task · algorithm · seed, and the reward when it is not the task's own), or with --names
    A,B,... in order. The legend sits below the plot; a dot marks where each run's curve ends, so a short
    run stays visible beside a long one. --log-x puts steps on a log scale.
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard !arguments.positional.isEmpty else { throw UsageError("plot needs at least one run folder, e.g. `sandbox plot runs/*`") }
        let out = arguments.string("out") ?? "learning_curves.png"
        let metric = arguments.string("metric") ?? "charts/episodic_return"
        let names = arguments.string("names").map { $0.split(separator: ",").map(String.init) }
        let title = arguments.string("title") ?? metric
        let logX = arguments.flag("log-x")
        try arguments.checkAllUsed()
        if let names, names.count != arguments.positional.count {
            throw UsageError("--names has \(names.count) names for \(arguments.positional.count) runs; give one per run")
        }
        try PictureOutputs.checkPNG(out, option: "--out")
        try prepareOutput(out)
        var series: [LinePlot.Series] = []
        var runs: [RunDirectory] = []
        for path in arguments.positional {
            let run = RunDirectory(url: URL(fileURLWithPath: path))
            guard FileManager.default.fileExists(atPath: run.metricsFile.path) else {
                throw UsageError("\(path) is not a run folder: it has no metrics.jsonl")
            }
            let points = run.readMetrics().compactMap { m in m[metric].map { (x: m["global_step"] ?? 0, y: $0) } }
            guard !points.isEmpty else { throw UsageError("\(path)/metrics.jsonl has no '\(metric)' values yet") }
            series.append(.init(label: "", points: points))
            runs.append(run)
        }
        let labels = names ?? runLabels(runs)
        for i in series.indices { series[i].label = labels[i] }
        var plot = LinePlot(title: title, xLabel: "environment steps", yLabel: metric.split(separator: "/").last.map(String.init) ?? metric,
                            series: series)
        plot.logX = logX
        try plot.writePNG(to: out)
        print("plot \(out): \(series.count) run(s)")
        for (label, path) in zip(labels, arguments.positional) { print("  \(label): \(path)") }
        return 0
    }

    /// One label per run from its config.json: "task · algorithm · seed N", with the reward when it is
    /// not the task's own. A run without a readable config.json keeps its folder name, and runs whose
    /// labels would be the same get their folder names added.
    static func runLabels(_ runs: [RunDirectory]) -> [String] {
        var labels = runs.map { run -> String in
            guard let c = try? run.readConfiguration() else { return run.url.lastPathComponent }
            var label = "\(c.task) · \(c.algorithm.displayName) · seed \(c.seed)"
            switch c.reward {
            case .environment: break
            case .model(let path): label += " · reward model \(URL(fileURLWithPath: path).lastPathComponent)"
            default: label += " · reward \(c.reward)"
            }
            return label
        }
        let counts = Dictionary(labels.map { ($0, 1) }, uniquingKeysWith: +)
        for i in labels.indices where counts[labels[i]]! > 1 { labels[i] += " (\(runs[i].url.lastPathComponent))" }
        return labels
    }
}
