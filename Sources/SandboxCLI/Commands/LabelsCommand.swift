import Foundation
import RewardLearning

enum LabelsCommand {
    static let help = """
    usage: sandbox labels stats --store FILE.db [--json] [--endings zero|terminal|learned|off]

    Per annotator: answers, skip and equal rates, agreement with the other annotators on the queries
    they share (preferences only), agreement with the oracle teacher (the segment with the larger true
    return; pair queries, preferences only) and median response time. An annotator's revised answer counts
    once. --endings counts the steps of a segment that runs past its terminated episode's end as `queries
    answer --endings` does: by default (zero) the segment's steps up to the end, and nothing after.
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard arguments.positional.first == "stats" else { throw UsageError("labels needs an action: `sandbox labels stats --store FILE.db`") }
        guard let storePath = arguments.string("store") else { throw UsageError("labels stats needs --store FILE.db") }
        let json = arguments.flag("json")
        let endings = try arguments.endings()
        try arguments.checkAllUsed()
        let store = try openExistingStore(storePath)
        let statistics = try store.statistics(in: SandboxCLI.tasks, endings: endings)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(statistics), as: UTF8.self))
            return 0
        }
        let counts = try store.counts
        print("\(storePath): task \(try store.task ?? "none"), \(counts.queries) queries, \(counts.answers) answers, \(try store.pendingQueries().count) unanswered")
        guard !statistics.isEmpty else { print("no answers yet"); return 0 }
        func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", 100 * $0) } ?? "–" }
        let header = ["annotator", "answers", "skip", "equal", "agree w/ others (shared)", "agree w/ oracle", "median time"]
        var rows = [header]
        for s in statistics {
            rows.append([s.annotator, "\(s.answers)", percent(s.skipRate), percent(s.equalRate),
                         "\(percent(s.agreementWithOthers)) (\(s.sharedQueries))", percent(s.agreementWithOracle),
                         String(format: "%.2f s", s.medianResponseTime)])
        }
        let widths = header.indices.map { c in rows.map { $0[c].count }.max()! }
        for (r, row) in rows.enumerated() {
            print(row.enumerated().map { c, cell in c == 0 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                : String(repeating: " ", count: widths[c] - cell.count) + cell }.joined(separator: "  "))
            if r == 0 { print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
        return 0
    }
}
