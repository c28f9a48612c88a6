import Foundation
import Testing
import TestSupport

@Suite("sandbox regret")
struct RegretCommandTests {
    @Test("regret study writes its table, runs and plot; bad values are usage errors")
    func study() throws {
        let directory = try CommandLine.temporaryDirectory()
        let result = try CommandLine.run(["regret", "study", "--prefs", "20,60", "--seeds", "2", "--iterations", "60", "--out", directory])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("mean over 92 start states of V*"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("| regret | regret |"))
        let lines = try String(contentsOfFile: "\(directory)/study.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 8)  // 2 teachers × 2 learners × 2 sizes
        #expect(FileManager.default.fileExists(atPath: "\(directory)/study.png"))
        for bad in [["--prefs", "0"], ["--board", "moon"], ["--seeds", "-1"]] {
            let refused = try CommandLine.run(["regret", "study", "--out", directory] + bad)
            #expect(refused.status == 2, "\(bad): \(refused.standardError)")
        }
    }

    @Test("regret fit-labels compares the models per annotator; a store without delivery answers is refused")
    func fitLabels() throws {
        let directory = try CommandLine.temporaryDirectory()
        let store = "\(directory)/labels.db"
        let made = try CommandLine.run(["queries", "make", "--store", store, "--task", "Delivery", "--policy", "random", "--episodes", "20",
                                        "--segment", "3", "--pairs", "40"])
        #expect(made.status == 0, "\(made.standardError)")
        let empty = try CommandLine.run(["regret", "fit-labels", "--store", store])
        #expect(empty.status == 1 && empty.standardError.contains("no answered pair queries of Delivery-v1"), "\(empty.standardError)")
        #expect(try CommandLine.run(["queries", "answer", "--store", store, "--teacher", "oracle"]).status == 0)
        let fitted = try CommandLine.run(["regret", "fit-labels", "--store", store, "--folds", "3", "--json"])
        #expect(fitted.status == 0, "\(fitted.standardError)")
        let results = try JSONSerialization.jsonObject(with: Data(fitted.standardOutput.utf8)) as? [[String: Any]]
        #expect(results?.first?["answers"] as? Int == 40)
        let missing = try CommandLine.run(["regret", "fit-labels", "--store", "\(directory)/nothere.db"])
        #expect(missing.status == 2)
    }
}
