import Foundation
import Testing
import TestSupport

@Suite("sandbox report")
struct ReportCommandTests {
    @Test("a report page holds a section per run, store and bundle, with embedded pictures and no script")
    func pageStructure() throws {
        let directory = try CommandLine.temporaryDirectory()
        #expect(try CommandLine.run(["train", "--task", "LunarLanderContinuous", "--algo", "ppo", "--steps", "512", "--out", "\(directory)/runs",
                                     "--hyperparameter", "environmentCount=1", "--hyperparameter", "stepsPerEnvironment=512",
                                     "--hyperparameter", "epochs=1"]).status == 0)
        #expect(try CommandLine.run(["queries", "make", "--store", "\(directory)/labels.db", "--task", "GridWorld", "--policy", "random",
                                     "--episodes", "6", "--segment", "3", "--pairs", "4"]).status == 0)
        #expect(try CommandLine.run(["queries", "answer", "--store", "\(directory)/labels.db", "--teacher", "oracle"]).status == 0)
        #expect(try CommandLine.run(["qdhf", "--domain", "arm", "--method", "gt", "--iterations", "3", "--batch", "8", "--grid", "6",
                                     "--out", "\(directory)/qdhf"]).status == 0)
        #expect(try CommandLine.run(["rollout", "--task", "GridWorld", "--policy", "heuristic", "--sheet", "\(directory)/grid.png"]).status == 0)
        let result = try CommandLine.run(["report", directory])
        #expect(result.status == 0, "\(result.standardError)")
        let html = try String(contentsOfFile: "\(directory)/index.html", encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        #expect(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"))
        for heading in ["LunarLanderContinuous-v1 · PPO · seed 0", "Label store labels.db", "QDHF run qdhf", "Policy archive qdhf/archive", "Pictures and clips"] {
            #expect(html.contains("<h2>\(heading)</h2>"), "\(heading)")
        }
        #expect(html.contains("said A is better") || html.contains("said B is better") || html.contains("said equal"))
        #expect(html.components(separatedBy: "src=\"data:image/").count > 5)
        #expect(html.contains("learning curve") && html.contains("heatmap archive"))
        let bad = try CommandLine.run(["report", "\(directory)/nothere"])
        #expect(bad.status == 2 && bad.standardError.contains("is not a folder"))
    }
}
