import Agents
import Foundation
import SandboxCore
import Rendering
import PhysicsEnvs

enum PlotCommand {
    static let help = """
    usage: sandbox plot RUN_DIR... [--out FILE.png] [--metric NAME] [--names A,B,...] [--title TEXT]

    Overlays the learning curves of one or more runs (metric charts/episodic_return by default, against
    global_step) and writes a PNG (default learning_curves.png). --names labels the runs in order
    (default: their folder names).
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard !arguments.positional.isEmpty else { throw UsageError("plot needs at least one run folder, e.g. `sandbox plot runs/*`") }
        let out = arguments.string("out") ?? "learning_curves.png"
        let metric = arguments.string("metric") ?? "charts/episodic_return"
        let names = arguments.string("names").map { $0.split(separator: ",").map(String.init) }
        let title = arguments.string("title") ?? metric
        try arguments.checkAllUsed()
        if let names, names.count != arguments.positional.count {
            throw UsageError("--names has \(names.count) names for \(arguments.positional.count) runs; give one per run")
        }
        try PictureOutputs.checkPNG(out, option: "--out")
        try prepareOutput(out)
        var series: [LinePlot.Series] = []
        for path in arguments.positional {
            let run = RunDirectory(url: URL(fileURLWithPath: path))
            guard FileManager.default.fileExists(atPath: run.metricsFile.path) else {
                throw UsageError("\(path) is not a run folder: it has no metrics.jsonl")
            }
            let points = run.readMetrics().compactMap { m in m[metric].map { (x: m["global_step"] ?? 0, y: $0) } }
            guard !points.isEmpty else { throw UsageError("\(path)/metrics.jsonl has no '\(metric)' values yet") }
            series.append(.init(label: names?[series.count] ?? run.url.lastPathComponent, points: points))
        }
        try LinePlot(title: title, xLabel: "environment steps", yLabel: metric.split(separator: "/").last.map(String.init) ?? metric,
                     series: series).writePNG(to: out)
        print("plot \(out): \(series.count) run(s)")
        return 0
    }
}
