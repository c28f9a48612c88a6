import Agents
import Foundation
import Labelling
import Rendering
import RewardLearning
import SandboxCore

/// Finds what a folder holds — run folders, QDHF runs, archive bundles, label stores, regret studies,
/// sweeps, loose pictures and clips — and turns each into a section of a `ReportPage`.
struct ReportScanner {
    let root: URL
    /// Answered pair queries shown as clips per label store.
    var clipsPerStore = 3
    /// Scratch folder for rendered query clips (removed by the caller).
    let scratch: URL

    func sections() throws -> [ReportPage.Section] {
        var sections: [ReportPage.Section] = []
        if let summary = try summarySection() { sections.append(summary) }
        var loose: [(URL, caption: String)] = []
        for directory in try folders(under: root, depth: 4) {
            let files = Set((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            if files.contains("config.json") && files.contains("metrics.jsonl") {
                sections.append(runSection(directory))
            } else if files.contains("summary.json") && files.contains("heatmap_archive.png") {
                sections.append(qdhfSection(directory))
            } else if files.contains("manifest.json") && files.contains("policies.safetensors") {
                if let section = bundleSection(directory) { sections.append(section) }
            } else if files.contains("study.md") {
                sections.append(markdownSection(directory, file: "study.md", title: "Regret study"))
            } else if files.contains("sweep.md") {
                sections.append(markdownSection(directory, file: "sweep.md", title: "Sweep"))
            } else if files.contains("correlations.json") {
                if let section = raplSection(directory) { sections.append(section) }
            }
            for file in files.sorted() where file.hasSuffix(".db") {
                if let section = storeSection(directory.appendingPathComponent(file)) { sections.append(section) }
            }
            if directory == root {
                for file in files.sorted() where file.hasSuffix(".png") || file.hasSuffix(".gif") {
                    loose.append((directory.appendingPathComponent(file), file))
                }
            }
        }
        if !loose.isEmpty {
            sections.append(.init(title: "Pictures and clips", source: root.path, blocks: [.gallery(loose)]))
        }
        // The summary, then in the demo's order: runs, label stores, regret studies, RAPL, QDHF, bundles.
        let order = ["Summary", "·", "Label store", "Regret study", "RAPL", "QDHF", "Policy archive", "Sweep"]
        return Self.sorted(sections, by: order) { section, key in key == "·" ? section.title.contains("·") : section.title.hasPrefix(key) }
    }

    /// The folder and the folders under it (breadth first, sorted), skipping checkpoints and clip folders.
    func folders(under url: URL, depth: Int) throws -> [URL] {
        var result = [url], frontier = [url]
        for _ in 0..<depth {
            var next: [URL] = []
            for folder in frontier {
                let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
                for name in names where !["checkpoints", "clips", "eval", "out"].contains(name) || folder.lastPathComponent.hasPrefix("c") {
                    var isDirectory: ObjCBool = false
                    let child = folder.appendingPathComponent(name)
                    if FileManager.default.fileExists(atPath: child.path, isDirectory: &isDirectory), isDirectory.boolValue { next.append(child) }
                }
            }
            result += next
            frontier = next
        }
        return result
    }

    /// `items` in the order of the first key of `order` each matches, items matching none last; a stable
    /// sort, so items of one key keep the order they were found in.
    static func sorted<Item>(_ items: [Item], by order: [String], matches: (Item, String) -> Bool) -> [Item] {
        func rank(_ item: Item) -> Int { order.firstIndex { matches(item, $0) } ?? order.count }
        return items.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }

    /// `url`'s path below the root, or nil when it is not below it.
    func pathBelowRoot(_ url: URL) -> String? {
        let path = url.standardizedFileURL.path, base = root.standardizedFileURL.path
        return path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : nil
    }

    /// One line per method found under the root: what it learned, and where its files are.
    func summaryRows() throws -> [[String]] {
        var rows: [[String]] = []
        func relative(_ url: URL) -> String { pathBelowRoot(url) ?? url.standardizedFileURL.path }
        for directory in try folders(under: root, depth: 4) {
            let files = Set((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            if files.contains("config.json") && files.contains("metrics.jsonl"), let configuration = try? RunDirectory(url: directory).readConfiguration() {
                var last: [String: Double] = [:]
                for line in RunDirectory(url: directory).readMetrics() { for (key, value) in line { last[key] = value } }
                let method: String
                switch configuration.reward {
                case .preferenceLoop(let teacher, let labels):
                    method = "\(configuration.algorithm == .sac ? "PEBBLE" : "PrefPPO") (Bradley–Terry, \(labels) labels from \(teacher))"
                case .hierarchy: method = "HERON (\(configuration.algorithm.displayName), ranked reward terms)"
                case .environment: method = "\(configuration.algorithm.displayName) on the true reward"
                default: method = "\(configuration.algorithm.displayName), reward \(configuration.reward)"
                }
                var learned: [String] = []
                if let value = last["eval/return"] { learned.append(String(format: "true return %.1f (evaluation episode)", value)) }
                if let value = last["pbrl/label_accuracy"] { learned.append(String(format: "label accuracy %.2f", value)) }
                if let value = last["pbrl/spearman"] { learned.append(String(format: "ρ %.2f", value)) }
                rows.append([method, learned.joined(separator: ", "), relative(directory)])
            } else if files.contains("summary.json") && files.contains("heatmap_archive.png"),
                      let data = try? Data(contentsOf: directory.appendingPathComponent("summary.json")),
                      let summary = try? JSONSerialization.jsonObject(with: data) as? [String: Double] {
                rows.append(["QDHF (\(directory.lastPathComponent))",
                             String(format: "QD score %.1f, coverage %.3f", summary["qd/archive_qd_score"] ?? .nan, summary["qd/archive_coverage"] ?? .nan),
                             relative(directory)])
            } else if files.contains("manifest.json") && files.contains("policies.safetensors") && files.contains("contact_sheet.png"),
                      let bundle = try? ArchiveBundleSummary(directory) {
                rows.append(["policy archive export", "\(bundle.row[2]) elites of \(bundle.row[0]) (\(bundle.row[1])), heatmap, contact sheet, clips", relative(directory)])
            } else if files.contains("study.jsonl") {
                let cells = ((try? String(contentsOf: directory.appendingPathComponent("study.jsonl"), encoding: .utf8)) ?? "").split(separator: "\n")
                    .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                let largest = cells.compactMap { $0["preferences"] as? Int }.max() ?? 0
                func share(_ teacher: String, _ learner: String) -> String {
                    guard let cell = cells.first(where: { $0["teacher"] as? String == teacher && $0["learner"] as? String == learner && $0["preferences"] as? Int == largest }),
                          let scores = cell["scaledReturns"] as? [Double], !scores.isEmpty else { return "?" }
                    return "\(scores.filter { $0 > 0.9 }.count)/\(scores.count)"
                }
                rows.append(["regret study (Knox et al.)",
                             "with regret labels at \(largest) preferences, near-optimal: regret learner \(share("regret", "regret")), partial-return learner \(share("regret", "partial-return"))",
                             relative(directory)])
            } else if files.contains("rapl_evaluation.json"),
                      let data = try? Data(contentsOf: directory.appendingPathComponent("rapl_evaluation.json")),
                      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                let parts = ((object["spearman"] as? [String: Double]) ?? [:]).sorted { $0.key < $1.key }.map { String(format: "%@ ρ %.2f", $0.key, $0.value) }
                rows.append(["RAPL (visual reward, optimal transport)", parts.joined(separator: ", "), relative(directory)])
            } else if files.contains("correlations.json"),
                      let data = try? Data(contentsOf: directory.appendingPathComponent("correlations.json")),
                      let methods = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] {
                // Written by `sandbox rapl evaluate --out`: Spearman ρ of each method's reward with the ground truth.
                let parts = methods.filter { ($0["method"] as? String) != "true" }.compactMap { m -> String? in
                    guard let name = m["method"] as? String, let across = m["across"] as? Double else { return nil }
                    return String(format: "%@ ρ %.2f", name, across)
                }
                rows.append(["RAPL (visual reward, optimal transport)",
                             "across-episode Spearman ρ with the person's cost: " + parts.joined(separator: ", "), relative(directory)])
            }
        }
        // In the demo's order: preference RL, HERON, regret, RAPL, QDHF, exports; others after, as found.
        let order = ["PrefPPO", "PEBBLE", "HERON", "regret", "RAPL", "QDHF", "policy archive"]
        return Self.sorted(rows, by: order) { row, key in row[0].hasPrefix(key) }
    }

    func summarySection() throws -> ReportPage.Section? {
        let rows = try summaryRows()
        guard !rows.isEmpty else { return nil }
        return .init(title: "Summary", source: root.path, blocks: [.table(["method", "what it learned", "files"], rows)])
    }

    func runSection(_ directory: URL) -> ReportPage.Section {
        let run = RunDirectory(url: directory)
        var title = directory.lastPathComponent
        var blocks: [ReportPage.Block] = []
        if let configuration = try? run.readConfiguration() {
            let method: String
            switch configuration.reward {
            case .preferenceLoop: method = configuration.algorithm == .sac ? "PEBBLE" : "PrefPPO"
            case .hierarchy: method = "HERON + \(configuration.algorithm.displayName)"
            default: method = configuration.algorithm.displayName
            }
            title = "\(configuration.task) · \(method) · seed \(configuration.seed)"
            blocks.append(.table(["task", "algorithm", "seed", "steps", "reward"],
                                 [[configuration.task, configuration.algorithm.displayName, String(configuration.seed), String(configuration.totalSteps),
                                   configuration.reward.description]]))
        }
        let metrics = run.readMetrics()
        var last: [String: Double] = [:]
        for line in metrics { for (key, value) in line { last[key] = value } }
        let shown = last.keys.filter { key in
            ["eval/return", "charts/true_return", "charts/episodic_return", "global_step"].contains(key)
                || key.hasPrefix("pbrl/") || key.hasPrefix("heron/") || key.hasPrefix("terms/") || key.hasPrefix("losses/")
        }.sorted()
        if !shown.isEmpty {
            blocks.append(.text("Final values of the run's metrics (metrics.jsonl):"))
            blocks.append(.table(["metric", "value"], shown.map { [$0, String(format: "%.4g", last[$0]!)] }))
        }
        let curve = directory.appendingPathComponent("learning_curve.png")
        if FileManager.default.fileExists(atPath: curve.path) { blocks.append(.image(curve, caption: "learning curve")) }
        let clips = ((try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("eval").path)) ?? [])
            .filter { $0.hasSuffix(".gif") }.sorted()
        if let clip = clips.last { blocks.append(.image(directory.appendingPathComponent("eval").appendingPathComponent(clip), caption: "evaluation episode, \(clip)")) }
        return .init(title: title, source: directory.path, blocks: blocks)
    }

    /// A `rapl evaluate --out` folder: each method's Spearman ρ with the person's cost, the rewards along a
    /// held-out rollout, and the folder's other pictures and clips (the demo's expert clip).
    func raplSection(_ directory: URL) -> ReportPage.Section? {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("correlations.json")),
              let methods = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return nil }
        let rows = methods.compactMap { m -> [String]? in
            guard let name = m["method"] as? String else { return nil }
            func cell(_ key: String) -> String { (m[key] as? Double).map { String(format: "%.3f", $0) } ?? "—" }
            return [name, cell("within_mean"), cell("across")]
        }
        var blocks: [ReportPage.Block] = [
            .text("Spearman ρ of each reward with the person's privileged cost on held-out rollouts: within each rollout per step (mean), and across rollouts' returns."),
            .table(["method", "within-trajectory ρ", "across-episode ρ"], rows),
        ]
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
        let pictures = files.filter { $0.hasSuffix(".png") || $0.hasSuffix(".gif") }
        if !pictures.isEmpty { blocks.append(.gallery(pictures.map { (directory.appendingPathComponent($0), caption: $0) })) }
        return .init(title: "RAPL evaluation \(directory.lastPathComponent)", source: directory.path, blocks: blocks)
    }

    func qdhfSection(_ directory: URL) -> ReportPage.Section {
        var blocks: [ReportPage.Block] = []
        if let data = try? Data(contentsOf: directory.appendingPathComponent("summary.json")),
           let summary = try? JSONSerialization.jsonObject(with: data) as? [String: Double] {
            blocks.append(.table(["metric", "value"], summary.keys.sorted().map { [$0, String(format: "%.4g", summary[$0]!)] }))
        }
        let pictures = ["heatmap_archive.png", "heatmap_ground_truth.png"].map { directory.appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: $0.path) }
        blocks.append(.gallery(pictures.map { ($0, $0.deletingPathExtension().lastPathComponent.replacingOccurrences(of: "_", with: " ")) }))
        return .init(title: "QDHF run \(directory.lastPathComponent)", source: directory.path, blocks: blocks)
    }

    func bundleSection(_ directory: URL) -> ReportPage.Section? {
        let pictures = [("heatmap.png", "archive heatmap"), ("contact_sheet.png", "contact sheet of diverse elites")]
            .map { (directory.appendingPathComponent($0.0), $0.1) }.filter { FileManager.default.fileExists(atPath: $0.0.path) }
        guard let bundle = try? ArchiveBundleSummary(directory) else { return nil }
        var blocks: [ReportPage.Block] = [.table(["domain", "task", "elites", "grid", "measures"], [bundle.row])]
        if !pictures.isEmpty { blocks.append(.gallery(pictures.map { ($0.0, caption: $0.1) })) }
        let clips = ((try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("clips").path)) ?? [])
            .filter { $0.hasSuffix(".gif") }.sorted().prefix(4)
        if !clips.isEmpty {
            blocks.append(.gallery(clips.map { (directory.appendingPathComponent("clips").appendingPathComponent($0), caption: $0) }))
        }
        return .init(title: "Policy archive \(pathBelowRoot(directory) ?? directory.lastPathComponent)", source: directory.path, blocks: blocks)
    }

    func markdownSection(_ directory: URL, file: String, title: String) -> ReportPage.Section {
        let text = (try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)) ?? ""
        var blocks: [ReportPage.Block] = []
        var paragraph: [String] = []
        var tableLines: [String] = []
        func flushTable() {
            guard tableLines.count >= 2 else { tableLines = []; return }
            let cells = tableLines.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "| ")).components(separatedBy: " | ") }
            blocks.append(.table(cells[0], Array(cells.dropFirst(2))))
            tableLines = []
        }
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("|") {
                if !paragraph.isEmpty { blocks.append(.text(paragraph.joined(separator: " "))); paragraph = [] }
                tableLines.append(line)
            } else {
                flushTable()
                if line.hasPrefix("#") || line.isEmpty {
                    if !paragraph.isEmpty { blocks.append(.text(paragraph.joined(separator: " "))); paragraph = [] }
                } else {
                    paragraph.append(line)
                }
            }
        }
        flushTable()
        if !paragraph.isEmpty { blocks.append(.text(paragraph.joined(separator: " "))) }
        let pictures = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".png") }.sorted()
        if !pictures.isEmpty { blocks.append(.gallery(pictures.map { (directory.appendingPathComponent($0), caption: $0) })) }
        return .init(title: "\(title) \(directory.lastPathComponent)", source: directory.appendingPathComponent(file).path, blocks: blocks)
    }

    /// A label store: counts per annotator, and a few answered pair queries as clips with the answers given.
    func storeSection(_ file: URL) -> ReportPage.Section? {
        guard let store = try? LabelStore(path: file.path), let queries = try? store.queries(), let answers = try? store.answers() else { return nil }
        var blocks: [ReportPage.Block] = [.text("\(queries.count) queries, \(answers.count) answers.")]
        if let statistics = try? store.statistics(in: SandboxCLI.tasks, includeOracle: false), !statistics.isEmpty {
            blocks.append(.table(["annotator", "answers", "skip rate", "equal rate"],
                                 statistics.map { [$0.annotator, String($0.answers), String(format: "%.2f", $0.skipRate), String(format: "%.2f", $0.equalRate)] }))
        }
        let byID = Dictionary(uniqueKeysWithValues: queries.map { ($0.id, $0) })
        let loader = ClipLoader(store: store, tasks: SandboxCLI.tasks, pairBox: (300, 200))
        var clips: [(URL, caption: String)] = []
        var seen = Set<Int64>()
        for answer in answers where clips.count < clipsPerStore && answer.answer != .skip {
            guard let query = byID[answer.queryID], query.kind == .pair, seen.insert(query.id).inserted,
                  let loaded = try? loader.clips(for: query), loaded.clips.count == 2 else { continue }
            let frames = Composition.sideBySide(loaded.clips[0].frames.isEmpty ? [] : [loaded.clips[0].frames, loaded.clips[1].frames],
                                                labels: ["A", "B"], caption: "query \(query.id)")
            let url = scratch.appendingPathComponent("query-\(file.deletingPathExtension().lastPathComponent)-\(query.id).gif")
            guard (try? GIFWriter.write(frames, to: url.path, framesPerSecond: loaded.framesPerSecond)) != nil else { continue }
            let said = answer.answer == .first ? "A is better" : answer.answer == .second ? "B is better" : "equal"
            clips.append((url, "query \(query.id) (\(loaded.task)): \(answer.annotator) said \(said)"))
        }
        if !clips.isEmpty { blocks.append(.gallery(clips)) }
        return .init(title: "Label store \(file.lastPathComponent)", source: file.path, blocks: blocks)
    }
}

/// The line of a bundle's manifest the report shows.
struct ArchiveBundleSummary {
    let row: [String]
    init(_ directory: URL) throws {
        let data = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw CocoaError(.fileReadCorruptFile) }
        let archive = object["archive"] as? [String: Any]
        let measures = object["measure_model"] as? [String: Any]
        row = [object["domain"] as? String ?? "?", object["task"] as? String ?? "?", String((object["elites"] as? [Any])?.count ?? 0),
               ((archive?["dimensions"] as? [Int]) ?? []).map(String.init).joined(separator: "×"), measures?["method"] as? String ?? "?"]
    }
}
