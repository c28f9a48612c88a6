import Foundation
import SandboxCore

enum ReportCommand {
    static let help = """
    usage: sandbox report DIR [--out FILE.html] [--clips K] [--summary]

    Writes one self-contained HTML page (no server, no network, no JavaScript; pictures embedded) about
    everything under DIR: a run folder, a bundle, a sweep, or the whole demo (runs/demo). It shows each
    run's settings, final metrics and learning curve, QDHF runs' metrics and archive heatmaps, archive
    bundles' heatmaps, contact sheets and elite clips, label stores' counts with K answered queries as
    clips and the answers given (default 3), regret studies and sweeps as tables with their plots, and
    the loose pictures and clips at DIR's top, after a summary table of the methods found (what each
    learned, where its files are). Default output: DIR/index.html. --summary also prints that table.
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard arguments.positional.count == 1 else { throw UsageError("report needs one folder: sandbox report DIR") }
        let root = URL(fileURLWithPath: arguments.positional[0]).standardizedFileURL
        let out = arguments.string("out") ?? root.appendingPathComponent("index.html").path
        let clips = try arguments.int("clips", default: 3, minimum: 0, maximum: 50)!
        let printSummary = arguments.flag("summary")
        try arguments.checkAllUsed()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw UsageError("\(root.path) is not a folder; give a run folder, a bundle or runs/demo")
        }
        guard out.lowercased().hasSuffix(".html") else { throw UsageError("--out names an HTML file, e.g. report.html; got '\(out)'") }
        try prepareOutput(out)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var scanner = ReportScanner(root: root, scratch: scratch)
        scanner.clipsPerStore = clips
        let sections = try scanner.sections()
        let page = ReportPage(title: "sandbox report: \(root.lastPathComponent)",
                              subtitle: "\(root.path) · \(ISO8601DateFormatter().string(from: Date())) · sandbox \(sandboxVersion)", sections: sections)
        let html = page.html()
        try writeAtomically(Data(html.utf8), to: URL(fileURLWithPath: out))
        if printSummary {
            let rows = try scanner.summaryRows()
            let widths = (0..<3).map { c in min(rows.map { $0[c].count }.max() ?? 0, c == 1 ? 90 : 60) }
            func line(_ cells: [String]) -> String {
                cells.enumerated().map { $1.padding(toLength: max(widths[$0], $1.count), withPad: " ", startingAt: 0) }.joined(separator: "  ")
            }
            print(line(["method", "what it learned", "files"]))
            for row in rows { print(line(row)) }
        }
        print("report \(out): \(sections.count) sections, \(html.utf8.count / 1024) KB")
        return 0
    }
}
