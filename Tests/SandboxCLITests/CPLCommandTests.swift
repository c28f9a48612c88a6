import Agents
import Foundation
import Testing
import TestSupport
import RewardLearning
import SandboxCLI
import SandboxCore

/// `sandbox cpl`, `sandbox regret teacher` and the regret teacher's errors, in-process.
@Suite("sandbox cpl and the regret teacher")
struct CPLCommandTests {
    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-cpl-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func run(_ arguments: [String]) -> (status: Int32, output: String, error: String) {
        let console = Console(capturingWithInput: nil)
        let status = SandboxCLI.run(arguments, console: console)
        return (status, console.output, console.errorOutput)
    }

    /// An untrained deterministic lander policy saved as an "expert" (the mechanics, not its quality).
    func expertFile(in folder: String) throws -> String {
        let spec = try Fixtures.tasks.spec(for: "LunarLanderContinuous-v1")
        let path = folder + "/expert.safetensors"
        try Policy.actor(algorithm: "cpl", task: spec, hiddenSizes: [8], seed: 1).save(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("cpl on a tiny answered store writes a run folder whose policy sandbox eval runs")
    func endToEnd() throws {
        let folder = try temporaryDirectory()
        let store = folder + "/labels.db"
        _ = try Fixtures.filledStore(store)
        #expect(run(["queries", "answer", "--store", store, "--teacher", "oracle"]).status == 0)
        let result = run(["cpl", "--task", "LunarLanderContinuous", "--store", store, "--bc-steps", "20", "--steps", "30",
                          "--batch", "2", "--eval-every", "25", "--eval-episodes", "1", "--seed", "3", "--out", folder + "/runs"])
        #expect(result.status == 0, "\(result.error)")
        let runs = try FileManager.default.contentsOfDirectory(atPath: folder + "/runs")
        #expect(runs.count == 1 && runs[0].hasPrefix("LunarLanderContinuous__cpl__3__"))
        let runPath = folder + "/runs/" + runs[0]
        for file in ["config.json", "metrics.jsonl", "policy.safetensors", "learning_curve.png"] {
            #expect(FileManager.default.fileExists(atPath: runPath + "/" + file), "\(file) missing")
        }
        let metrics = RunDirectory.readMetrics(at: URL(fileURLWithPath: runPath + "/metrics.jsonl"))
        #expect(metrics.contains { $0["losses/bc_loss"] != nil })
        #expect(metrics.contains { $0["losses/cpl_loss"] != nil })
        #expect(metrics.filter { $0["eval/return"] != nil }.count >= 3)  // start, end of cloning, 25, end
        let config = try String(contentsOfFile: runPath + "/config.json", encoding: .utf8)
        #expect(config.contains("\"labelledPairs\" : 2"))
        #expect(run(["eval", "--policy", runPath, "--episodes", "1"]).status == 0)
    }

    @Test("cpl's usage errors are one line with status 2")
    func usageErrors() throws {
        let folder = try temporaryDirectory()
        let unanswered = folder + "/unanswered.db"
        _ = try Fixtures.filledStore(unanswered)
        let cases: [[String]] = [
            ["cpl", "--store", unanswered],
            ["cpl", "--task", "LunarLanderContinuous"],
            ["cpl", "--task", "LunarLanderContinuous", "--store", folder + "/none.db"],
            ["cpl", "--task", "LunarLanderContinuous", "--store", unanswered],  // no answers yet
            ["cpl", "--task", "BipedalWalker", "--store", unanswered],
            ["cpl", "--task", "LunarLanderContinuous", "--store", unanswered, "--bias", "2"],
            ["cpl", "--task", "LunarLanderContinuous", "--store", unanswered, "--bc-steps", "0", "--steps", "0"],
        ]
        for arguments in cases {
            let result = run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.error)")
            #expect(result.error.split(separator: "\n").count == 1, "\(arguments): \(result.error)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/runs"))
    }

    @Test("regret:EXPERT errors name the fix; queries answer and regret teacher work with an expert file")
    func regretTeacher() throws {
        let folder = try temporaryDirectory()
        let store = folder + "/labels.db"
        _ = try Fixtures.filledStore(store)
        for teacher in ["regret:", "regret:" + folder + "/missing"] {
            let pbrl = run(["pbrl", "--task", "LunarLanderContinuous", "--algo", "ppo", "--teacher", teacher, "--out", folder + "/runs"])
            #expect(pbrl.status == 2 && pbrl.error.contains("regret") && pbrl.error.split(separator: "\n").count == 1, "\(pbrl.error)")
            let answer = run(["queries", "answer", "--store", store, "--teacher", teacher])
            #expect(answer.status == 2 && answer.error.split(separator: "\n").count == 1, "\(answer.error)")
        }
        #expect(run(["regret", "teacher", "--task", "LunarLanderContinuous"]).status == 2)
        #expect(run(["regret", "teacher", "--task", "BipedalWalker", "--expert", try expertFile(in: folder)]).status == 2)

        let expert = try expertFile(in: folder)
        let answered = run(["queries", "answer", "--store", store, "--teacher", "regret:" + expert])
        #expect(answered.status == 0, "\(answered.error)")
        #expect(answered.output.contains("2 queries answered by teacher:regret:"))
        // One standing answer per annotator and query: a second run answers nothing and says so.
        let again = run(["queries", "answer", "--store", store, "--teacher", "regret:" + expert])
        #expect(again.status == 0, "\(again.error)")
        #expect(again.output.contains("0 queries answered by teacher:regret:") && again.output.contains("2 already answered"), "\(again.output)")
        #expect(try LabelStore(path: store).answers().count == 2)

        let table = run(["regret", "teacher", "--task", "LunarLanderContinuous", "--expert", expert, "--episodes", "1", "--segment", "100"])
        #expect(table.status == 0, "\(table.error)")
        #expect(table.output.contains("partial-return and regret teachers disagree on"))
        // The expert's own segments have no regret.
        let expertRows = table.output.split(separator: "\n").filter { $0.hasPrefix("expert ") }
        #expect(!expertRows.isEmpty && expertRows.allSatisfy { $0.hasSuffix(" 0.00") })
    }
}
