import Foundation
import Testing
import TestSupport

@Suite("sandbox encoder and sandbox rapl")
struct RAPLCommandTests {
    @Test("a tiny encoder pretrain, rapl align and rapl evaluate run end to end in seconds")
    func endToEnd() throws {
        let directory = try CommandLine.temporaryDirectory()
        let encoder = "\(directory)/encoder.safetensors", aligned = "\(directory)/aligned.safetensors", store = "\(directory)/labels.db"
        let pretrain = try CommandLine.run(["encoder", "pretrain", "--task", "LunarLanderContinuous-v1", "--episodes", "4", "--max-steps", "25",
                                            "--steps", "3", "--out", encoder])
        #expect(pretrain.status == 0, "\(pretrain.standardError)")
        #expect(pretrain.standardOutput.contains("final InfoNCE loss"))
        let align = try CommandLine.run(["rapl", "align", "--task", "LunarLanderContinuous-v1", "--encoder", encoder, "--triplets", "8",
                                         "--pool", "15", "--max-steps", "25", "--epochs", "3", "--store", store, "--out", aligned])
        #expect(align.status == 0, "\(align.standardError)")
        #expect(align.standardOutput.contains("8 triplets") && align.standardOutput.contains("RAPL head: best validation loss"), "\(align.standardOutput)")
        let show = try CommandLine.run(["encoder", "show", aligned])
        #expect(show.status == 0 && show.standardOutput.contains("aligned: 8 triplets") && show.standardOutput.contains("command: sandbox encoder pretrain"),
                "\(show.standardOutput)")
        let queries = try CommandLine.run(["queries", "show", "--store", store])
        #expect(queries.standardOutput.contains("8 queries, 8 answers"), "\(queries.standardOutput)")
        let evaluate = try CommandLine.run(["rapl", "evaluate", "--task", "LunarLanderContinuous-v1", "--encoder", aligned, "--rollouts", "4",
                                            "--max-steps", "25", "--demos", "2", "--json", "--out", "\(directory)/evaluation"])
        #expect(evaluate.status == 0, "\(evaluate.standardError)")
        for method in ["rapl", "rlhf", "ot", "goal", "true"] { #expect(evaluate.standardOutput.contains("\"method\":\"\(method)\""), "\(method)") }
        for file in ["correlations.json", "reward_trace.png"] {
            #expect(FileManager.default.fileExists(atPath: "\(directory)/evaluation/\(file)"), "\(file)")
        }
    }

    @Test("wrong input is a one-line usage error with the fix")
    func usageErrors() throws {
        let directory = try CommandLine.temporaryDirectory()
        for (arguments, fragment) in [
            (["rapl"], "rapl needs align, train or evaluate"),
            (["rapl", "align", "--task", "LunarLanderContinuous-v1", "--out", "\(directory)/a.safetensors"], "--triplets N"),
            (["rapl", "align", "--task", "LunarLanderContinuous-v1", "--triplets", "10", "--out", "\(directory)/a.safetensors",
              "--encoder", "\(directory)/missing.safetensors"], "no encoder at"),
            (["rapl", "align", "--task", "CarRacing-v1", "--triplets", "10", "--out", "\(directory)/a.safetensors", "--cost", "fuel"], "no reward term 'fuel'"),
            (["rapl", "train", "--task", "LunarLanderContinuous-v1", "--algo", "ppo", "--reward", "magic"], "--reward is rapl, rlhf, ot, goal or true"),
            (["rapl", "align", "--task", "LunarLanderContinuous-v1", "--triplets", "10", "--out", "\(directory)/a.safetensors", "--teacher", "human"], "--teacher human needs --store"),
            (["encoder", "pretrain", "--task", "LunarLanderContinuous-v1"], "--out FILE.safetensors"),
        ] {
            let result = try CommandLine.run(arguments)
            #expect(result.status == 2 && result.standardError.contains(fragment), "\(arguments): \(result.standardError)")
            #expect(result.standardError.split(separator: "\n").count == 1)
        }
    }
}
