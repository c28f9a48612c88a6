import Foundation
import Testing
import TestSupport

@Suite("sandbox heron")
struct HeronCommandTests {
    @Test("a short heron run writes its metrics, tree statistics, hierarchy, model and curve")
    func shortRun() throws {
        let directory = try CommandLine.temporaryDirectory()
        let result = try CommandLine.run(["heron", "--task", "LunarLanderContinuous", "--algo", "ppo", "--steps", "4096", "--out", directory,
                                          "--hyperparameter", "environmentCount=2", "--hyperparameter", "stepsPerEnvironment=1024",
                                          "--hyperparameter", "epochs=1", "--unit", "segment", "--segment", "10", "--pairs", "random"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("landing+crash [δ 1σ (buffer)] > distance"), "\(result.standardOutput)")
        let run = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first.map { "\(directory)/\($0)" })
        for file in ["config.json", "hierarchy.json", "metrics.jsonl", "heron_model.safetensors", "learning_curve.png"] {
            #expect(FileManager.default.fileExists(atPath: "\(run)/\(file)"), "\(file)")
        }
        let metrics = try String(contentsOfFile: "\(run)/metrics.jsonl", encoding: .utf8)
        for key in ["heron/decided_level_0", "heron/dropped", "heron/rm_loss", "charts/true_return", "terms/landing"] {
            #expect(metrics.contains("\"\(key)\""), "\(key)")
        }
        let config = try String(contentsOfFile: "\(run)/config.json", encoding: .utf8)
        #expect(config.contains("heron:landing+crash>distance>speed>tilt>main_engine+side_engine"))
    }

    @Test("bad rankings and options are one-line usage errors that list the task's terms")
    func badInput() throws {
        let directory = try CommandLine.temporaryDirectory()
        for (extra, fragment) in [(["--ranking", "landing>fuel"], "its terms are distance, speed, tilt"),
                                  (["--ranking", "landing>tilt", "--margins", "1,2,3"], "3 margins for a ranking of 2 levels"),
                                  (["--unit", "episode"], "--unit is transition, segment"),
                                  (["--ranking", "-nope"], "no reward term 'nope'")] {
            let result = try CommandLine.run(["heron", "--task", "LunarLanderContinuous", "--algo", "ppo", "--out", directory] + extra)
            #expect(result.status == 2 && result.standardError.contains(fragment), "\(extra): \(result.standardError)")
        }
        let noDefault = try CommandLine.run(["heron", "--task", "CarRacing", "--algo", "ppo", "--out", directory])
        #expect(noDefault.status == 2 && noDefault.standardError.contains("has no default ranking"), "\(noDefault.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }
}
