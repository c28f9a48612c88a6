import Foundation
import Testing
import TestSupport
import SandboxCLI

/// `make demo`'s stages (scripts/demo.sh) at a tiny budget, in-process, in the demo's order: each
/// stage's files exist and parse, and the report page gathers them.
@Suite("make demo, every stage at a tiny budget")
struct DemoSmokeTests {
    static let shippedEncoder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("assets/encoder-SweepToTop-ShortStick.safetensors").path
    static let tiny = ["--hyperparameter", "environmentCount=1", "--hyperparameter", "stepsPerEnvironment=512", "--hyperparameter", "epochs=1"]

    func runFolder(_ parent: String) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: parent).filter { !$0.hasPrefix(".") }
        try #require(names.count == 1, "one run in \(parent): \(names)")
        return "\(parent)/\(names[0])"
    }

    func json(_ path: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func isPNG(_ path: String) -> Bool {
        (try? Data(contentsOf: URL(fileURLWithPath: path)).prefix(8)) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }

    @Test("preference RL, HERON, the regret study, RAPL, QDHF and the export each write files that parse; the report gathers them")
    func stages() throws {
        let demo = try CommandLine.temporaryDirectory()
        // 1/6 preference-based RL with query clips in its label store.
        #expect(SandboxCLI.run(["pbrl", "--task", "LunarLanderContinuous", "--algo", "ppo", "--teacher", "oracle", "--labels", "20",
                                "--per-round", "10", "--steps", "1024", "--seed", "1", "--out", "\(demo)/pbrl"] + Self.tiny) == 0)
        let pbrl = try runFolder("\(demo)/pbrl")
        for file in ["pbrl.json", "config.json"] { _ = try json("\(pbrl)/\(file)") }
        #expect(isPNG("\(pbrl)/learning_curve.png"))
        #expect(FileManager.default.fileExists(atPath: "\(pbrl)/labels.db") && FileManager.default.fileExists(atPath: "\(pbrl)/policy.safetensors"))
        // 2/6 HERON with the default ranking.
        #expect(SandboxCLI.run(["heron", "--task", "LunarLanderContinuous", "--algo", "ppo", "--steps", "2048", "--seed", "1",
                                "--out", "\(demo)/heron"] + Self.tiny) == 0)
        let heron = try runFolder("\(demo)/heron")
        _ = try json("\(heron)/hierarchy.json")
        #expect(FileManager.default.fileExists(atPath: "\(heron)/heron_model.safetensors"))
        // 3/6 the regret study.
        #expect(SandboxCLI.run(["regret", "study", "--prefs", "30", "--seeds", "1", "--out", "\(demo)/regret"]) == 0)
        let rows = try String(contentsOfFile: "\(demo)/regret/study.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(rows.count >= 4)
        for row in rows { _ = try JSONSerialization.jsonObject(with: Data(row.utf8)) }
        #expect(isPNG("\(demo)/regret/study.png"))
        // 4/6 RAPL on SweepToTop against RLHF, from the shipped encoder.
        #expect(SandboxCLI.run(["rapl", "align", "--task", "SweepToTop-ShortStick-v1", "--triplets", "12", "--pool", "18",
                                "--max-steps", "30", "--epochs", "5", "--encoder", Self.shippedEncoder,
                                "--store", "\(demo)/rapl/triplets.db", "--out", "\(demo)/rapl/aligned.safetensors"]) == 0)
        #expect(SandboxCLI.run(["rapl", "evaluate", "--task", "SweepToTop-ShortStick-v1", "--encoder", "\(demo)/rapl/aligned.safetensors",
                                "--rollouts", "6", "--demos", "2", "--max-steps", "25", "--out", "\(demo)/rapl"]) == 0)
        let correlations = try #require(try json("\(demo)/rapl/correlations.json") as? [[String: Any]])
        #expect(Set(correlations.compactMap { $0["method"] as? String }).isSuperset(of: ["rapl", "rlhf", "ot", "goal", "true"]))
        // 5/6 QDHF and 6/6 the export.
        #expect(SandboxCLI.run(["qdhf", "--domain", "arm", "--method", "qdhf", "--iterations", "3", "--batch", "8", "--grid", "6",
                                "--seed", "1", "--out", "\(demo)/qdhf-arm"]) == 0)
        _ = try json("\(demo)/qdhf-arm/summary.json")
        #expect(SandboxCLI.run(["archive", "export", "--run", "\(demo)/qdhf-arm", "--out", "\(demo)/archive", "--top", "4", "--clips", "1"]) == 0)
        _ = try json("\(demo)/archive/manifest.json")
        #expect(isPNG("\(demo)/archive/heatmap.png") && isPNG("\(demo)/archive/contact_sheet.png"))
        // The summary and the page.
        #expect(SandboxCLI.run(["report", demo, "--summary"]) == 0)
        let html = try String(contentsOfFile: "\(demo)/index.html", encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && !html.contains("<script"))
        for reference in Self.localReferences(in: html) {
            #expect(FileManager.default.fileExists(atPath: "\(demo)/\(reference)"), "the page links to \(reference), which is missing")
        }
        #expect(html.contains("<h2>RAPL evaluation rapl</h2>") && html.contains("reward_trace.png"))
        for name in ["pbrl", "heron", "regret", "rapl", "qdhf-arm", "archive"] {
            #expect(html.contains(name), "the page mentions \(name)")
        }
    }

    /// href and src values that are neither data URIs nor anchors.
    static func localReferences(in html: String) -> [String] {
        var found: [String] = []
        for attribute in ["href=\"", "src=\""] {
            var rest = html[...]
            while let start = rest.range(of: attribute) {
                rest = rest[start.upperBound...]
                guard let end = rest.firstIndex(of: "\"") else { break }
                let value = String(rest[..<end])
                if !value.hasPrefix("data:") && !value.hasPrefix("#") { found.append(value.removingPercentEncoding ?? value) }
            }
        }
        return found
    }
}
