import Foundation
import Testing
import TestSupport

@Suite("sandbox train, eval, plot", .serialized)
struct TrainingCommandTests {
    /// The run folder `train` created under `parent`.
    func runFolder(in parent: String) throws -> String {
        let entries = try FileManager.default.contentsOfDirectory(atPath: parent).filter { !$0.hasPrefix(".") }
        #expect(entries.count == 1, "\(entries)")
        return "\(parent)/\(entries[0])"
    }

    @Test("train writes a complete run; eval, rollout and plot use it; resume continues it")
    func trainEvalPlotResume() throws {
        let directory = try CommandLine.temporaryDirectory()
        let train = try CommandLine.run(["train", "--task", "LunarLanderContinuous-v1", "--algo", "ppo", "--steps", "2048",
                                         "--envs", "2", "--seed", "3", "--out", directory])
        #expect(train.status == 0, "\(train.standardError)")
        let run = try runFolder(in: directory)
        #expect(run.hasSuffix("") && run.contains("LunarLanderContinuous__ppo__3__"))
        for file in ["config.json", "metrics.jsonl", "policy.safetensors", "learning_curve.png", "checkpoints/latest.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: "\(run)/\(file)"), "missing \(file)")
        }
        let metrics = try String(contentsOfFile: "\(run)/metrics.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(metrics.contains { $0.contains("\"losses/value_loss\"") && $0.contains("\"global_step\"") && $0.contains("\"charts/SPS\"") })
        #expect(metrics.contains { $0.contains("\"eval/return\"") })
        let evalFolder = try FileManager.default.contentsOfDirectory(atPath: "\(run)/eval")
        #expect(evalFolder.contains { $0.hasSuffix(".gif") })

        let evaluation = try CommandLine.run(["eval", "--policy", run, "--episodes", "2", "--record", "\(directory)/e.json"])
        #expect(evaluation.status == 0, "\(evaluation.standardError)")
        #expect(evaluation.standardOutput.contains("mean return"))
        #expect(FileManager.default.fileExists(atPath: "\(directory)/e.json"))
        let rollout = try CommandLine.run(["rollout", "--policy", "\(run)/policy.safetensors", "--max-steps", "30"])
        #expect(rollout.status == 0, "\(rollout.standardError)")
        #expect(rollout.standardOutput.contains("episode 0 seed 0"))
        // --option changes the options the policy was trained with (a trained policy in a windy world);
        // an option the task lacks stays a usage error.
        let windy = try CommandLine.run(["rollout", "--policy", run, "--max-steps", "30", "--option", "enable_wind=1"])
        #expect(windy.status == 0, "\(windy.standardError)")
        let unknown = try CommandLine.run(["rollout", "--policy", run, "--max-steps", "30", "--option", "nonsense=1"])
        #expect(unknown.status == 2 && unknown.standardError.contains("no option 'nonsense'"))

        let plot = try CommandLine.run(["plot", run, "--out", "\(directory)/curves.png"])
        #expect(plot.status == 0, "\(plot.standardError)")
        #expect(FileManager.default.fileExists(atPath: "\(directory)/curves.png"))
        // Runs are labelled from config.json; equal labels get their folder names, a folder without a
        // config.json keeps its name.
        #expect(plot.standardOutput.contains("  LunarLanderContinuous-v1 · PPO · seed 3: \(run)"))
        try FileManager.default.createDirectory(atPath: "\(directory)/bare", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(run)/metrics.jsonl", toPath: "\(directory)/bare/metrics.jsonl")
        let twice = try CommandLine.run(["plot", run, run, "\(directory)/bare", "--out", "\(directory)/curves.png", "--log-x"])
        #expect(twice.status == 0, "\(twice.standardError)")
        let name = URL(fileURLWithPath: run).lastPathComponent
        #expect(twice.standardOutput.contains("  LunarLanderContinuous-v1 · PPO · seed 3 (\(name)): \(run)"))
        #expect(twice.standardOutput.contains("  bare: \(directory)/bare"))

        let resume = try CommandLine.run(["train", "--resume", run, "--steps", "4096"])
        #expect(resume.status == 0, "\(resume.standardError)")
        #expect(resume.standardOutput.contains("resuming"))
        let steps = try String(contentsOfFile: "\(run)/metrics.jsonl", encoding: .utf8).split(separator: "\n")
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Double] }.compactMap { $0["global_step"] }
        #expect(steps.max() == 4096)
    }

    @Test("Ctrl-C stops training cleanly after writing a checkpoint")
    func interrupt() throws {
        let directory = try CommandLine.temporaryDirectory()
        let process = Process()
        process.executableURL = CommandLine.executable
        process.arguments = ["train", "--task", "LunarLanderContinuous-v1", "--algo", "ppo", "--envs", "2", "--steps", "400000", "--out", directory]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the first iteration is logged: the Ctrl-C handler is installed by then. (A test
        // runner may start children with SIGINT ignored, so an earlier signal could be lost.)
        var run: String?
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            run = (try? FileManager.default.contentsOfDirectory(atPath: directory))?.first.map { "\(directory)/\($0)" }
            if let run, let text = try? String(contentsOfFile: "\(run)/metrics.jsonl", encoding: .utf8), !text.isEmpty { break }
        }
        process.interrupt()  // SIGINT, as Ctrl-C
        let exitDeadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < exitDeadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning {
            process.terminate()
            Issue.record("training did not stop within 2 minutes of Ctrl-C")
            return
        }
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 130, "\(output)")
        #expect(output.contains("--resume"))
        let folder = try #require(run)
        #expect(FileManager.default.fileExists(atPath: "\(folder)/checkpoints/latest.safetensors"))
        #expect(FileManager.default.fileExists(atPath: "\(folder)/policy.safetensors"))
    }

    @Test("training with a weighted sum of reward terms logs the true return beside it")
    func termsReward() throws {
        let directory = try CommandLine.temporaryDirectory()
        let train = try CommandLine.run(["train", "--task", "LunarLanderContinuous-v1", "--algo", "sac", "--steps", "1500",
                                         "--reward", "terms:distance=1,crash=0.5", "--out", directory,
                                         "--hyperparameter", "annealLearningRate=false", "--hyperparameter", "hiddenSizes=[32, 32]"])
        #expect(train.status == 0, "\(train.standardError)")
        let run = try runFolder(in: directory)
        let metrics = try String(contentsOfFile: "\(run)/metrics.jsonl", encoding: .utf8)
        #expect(metrics.contains("\"charts/true_return\""))
        // The hyperparameters set on the command line are the run's, recorded in config.json.
        let configuration = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(run)/config.json"))) as? [String: Any]
        let sac = configuration?["sac"] as? [String: Any]
        #expect(sac?["annealLearningRate"] as? Bool == false)
        #expect(sac?["hiddenSizes"] as? [Int] == [32, 32])
    }

    @Test("bad training input gives one-line errors")
    func errors() throws {
        func expectError(_ arguments: [String], _ fragment: String) throws {
            let output = try CommandLine.run(arguments)
            #expect(output.status != 0)
            #expect(output.standardError.hasPrefix("sandbox: error: ") && output.standardError.contains(fragment), "\(output.standardError)")
            #expect(output.standardError.split(separator: "\n").count == 1)
        }
        let directory = try CommandLine.temporaryDirectory()
        try expectError(["train", "--task", "LunarLanderContinuous-v1", "--algo", "dqn"], "--algo ppo or --algo sac")
        try expectError(["train", "--algo", "ppo"], "--task")
        try expectError(["train", "--task", "LunarLanderContinuous-v1", "--algo", "ppo", "--reward", "terms:fuel=1", "--out", directory], "no reward term 'fuel'")
        try expectError(["train", "--task", "LunarLanderContinuous-v1", "--algo", "ppo", "--reward", "model:/nonexistent.safetensors", "--out", directory], "/nonexistent")
        try expectError(["train", "--task", "LunarLanderContinuous-v1", "--algo", "sac", "--envs", "4"], "drop --envs")
        try expectError(["train", "--task", "LunarLanderContinuous-v1", "--algo", "sac", "--hyperparameter", "gama=0.9", "--out", directory],
                        "unknown hyperparameter 'gama'; known: activation")
        try expectError(["pbrl", "--task", "LunarLanderContinuous-v1", "--algo", "ppo", "--teacher", "oracle",
                         "--hyperparameter", "learningRate=fast", "--out", directory], "like its current one")
        try expectError(["train", "--resume", directory], "config.json")
        try expectError(["eval", "--policy", "/nonexistent/policy.safetensors"], "cannot read")
        try expectError(["plot", directory], "metrics.jsonl")
        // No run folder is left behind by a refused reward.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }
}

@Suite("sandbox pbrl and queries", .serialized)
struct PreferenceCommandTests {

    @Test("pbrl --teacher human writes its queries to the store, keeps training and says how to answer them")
    func humanTeacherAnswersLater() throws {
        let directory = try CommandLine.temporaryDirectory()
        let store = "\(directory)/labels.db"
        let output = try CommandLine.run(["pbrl", "--task", "LunarLanderContinuous-v1", "--algo", "ppo", "--teacher", "human", "--labels", "3",
                                          "--per-round", "3", "--segment", "20", "--steps", "1000", "--store", store, "--out", directory,
                                          "--ending-share", "0.5", "--nonpositive-reward"])
        #expect(output.status == 0, "\(output.standardError)")
        #expect(output.standardOutput.contains("sandbox label --store \(store)"))
        #expect(output.standardOutput.contains("3 queries were asked but no usable answer arrived"), "\(output.standardOutput)")
        #expect(output.standardOutput.contains("note: PPO trains whole rollouts of 16384 steps (16 copies × 1024), so this run takes 16384 steps"))
        // pbrl.json records the loop's recipe next to config.json.
        let runName = try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.contains("__prefppo__") } ?? "missing"
        let settings = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(runName)/pbrl.json"))) as? [String: Any]
        #expect(settings?["teacher"] as? String == "human")
        #expect(settings?["store"] as? String == store)
        #expect((settings?["loop"] as? [String: Any])?["totalLabels"] as? Int == 3)
        #expect((settings?["loop"] as? [String: Any])?["endingShare"] as? Double == 0.5)
        #expect(settings?["nonPositiveReward"] as? Bool == true)
        #expect((settings?["loop"] as? [String: Any])?["rewardOffset"] as? String == "free")
        let shown = try CommandLine.run(["queries", "show", "--store", store])
        #expect(shown.standardOutput.contains("3 queries, 0 answers, 3 pending"), "\(shown.standardOutput)")
    }

    @Test("pbrl --algo sac defaults to the plain PEBBLE recipe that passed 200; each part can be set back to B-Pref's")
    func pebbleDefaults() throws {
        /// pbrl.json's loop settings and config.json's SAC settings of a 1,000-step PEBBLE run (all pre-training).
        func settings(_ extra: [String]) throws -> (loop: [String: Any], sac: [String: Any]) {
            let directory = try CommandLine.temporaryDirectory()
            let output = try CommandLine.run(["pbrl", "--task", "LunarLanderContinuous-v1", "--algo", "sac", "--teacher", "oracle", "--labels", "2",
                                              "--steps", "1000", "--out", directory, "--hyperparameter", "hiddenSizes=[16, 16]"] + extra)
            #expect(output.status == 0, "\(output.standardError)")
            let runName = try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.contains("__pebble__") } ?? "missing"
            let run = "\(directory)/\(runName)"
            let pbrl = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(run)/pbrl.json"))) as? [String: Any]
            let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(run)/config.json"))) as? [String: Any]
            return (pbrl?["loop"] as? [String: Any] ?? [:], config?["sac"] as? [String: Any] ?? [:])
        }
        let recipe = try settings([])
        #expect(recipe.loop["feedbackFraction"] as? Double == 0.9)
        #expect(recipe.loop["endingShare"] as? Double == 0.5)
        #expect(recipe.loop["rewardOffset"] as? String == "agent-median")
        #expect(recipe.sac["annealLearningRate"] as? Bool == false)
        let bPref = try settings(["--ending-share", "0", "--feedback-fraction", "0.5", "--reward-offset", "free",
                                  "--hyperparameter", "annealLearningRate=true"])
        #expect(bPref.loop["feedbackFraction"] as? Double == 0.5)
        #expect(bPref.loop["endingShare"] as? Double == 0)
        #expect(bPref.loop["rewardOffset"] as? String == "free")
        #expect(bPref.sac["annealLearningRate"] as? Bool == true)
        // The default offset gives way, without an error, where it has no meaning or another option sets the offset.
        #expect(try settings(["--nonpositive-reward"]).loop["rewardOffset"] as? String == "free")
        #expect(try settings(["--endings", "terminal"]).loop["rewardOffset"] as? String == "free")
    }

    @Test("the offline pipeline: make queries, answer with a teacher, fit a reward, train on it")
    func offlinePipeline() throws {
        let directory = try CommandLine.temporaryDirectory()
        let store = "\(directory)/labels.db"
        let make = try CommandLine.run(["queries", "make", "--store", store, "--task", "LunarLanderContinuous-v1", "--policy", "heuristic",
                                        "--episodes", "4", "--segment", "25", "--pairs", "40"])
        #expect(make.status == 0, "\(make.standardError)")
        #expect(try CommandLine.run(["queries", "answer", "--store", store, "--teacher", "mistake"]).standardOutput.contains("40 queries answered"))
        let fit = try CommandLine.run(["fit-reward", "--store", store, "--task", "LunarLanderContinuous-v1", "--hidden", "16",
                                       "--epochs", "5", "--out", "\(directory)/reward.safetensors"])
        #expect(fit.status == 0, "\(fit.standardError)")
        #expect(fit.standardOutput.contains("held-out accuracy"))
        let train = try CommandLine.run(["train", "--task", "LunarLanderContinuous-v1", "--algo", "ppo", "--envs", "2", "--steps", "2048",
                                         "--reward", "model:\(directory)/reward.safetensors", "--out", "\(directory)/runs"])
        #expect(train.status == 0, "\(train.standardError)")
        // The learned reward scores a policy's episodes; a model of another task is refused.
        let runName = try FileManager.default.contentsOfDirectory(atPath: "\(directory)/runs").first { !$0.hasPrefix(".") } ?? "missing"
        let scored = try CommandLine.run(["eval", "--policy", "\(directory)/runs/\(runName)", "--episodes", "2",
                                          "--reward-model", "\(directory)/reward.safetensors"])
        #expect(scored.status == 0, "\(scored.standardError)")
        #expect(scored.standardOutput.components(separatedBy: "learned return").count == 3, "\(scored.standardOutput)")
        // --trace: one CSV row per step of each episode (the true and learned rewards), and a plot.
        let traced = try CommandLine.run(["eval", "--policy", "\(directory)/runs/\(runName)", "--episodes", "2",
                                          "--reward-model", "\(directory)/reward.safetensors", "--trace", "\(directory)/trace.csv"])
        #expect(traced.status == 0, "\(traced.standardError)")
        let lengths = traced.standardOutput.split(separator: "\n").filter { $0.hasPrefix("episode ") }.compactMap { line in
            line.split(separator: " ").split(separator: "length").dropFirst().first?.first.flatMap { Int($0) }
        }
        let rows = try String(contentsOfFile: "\(directory)/trace.csv", encoding: .utf8).split(separator: "\n")
        #expect(rows.first?.hasPrefix("episode,step,true_reward,learned_reward,learned_spread,observation_0") == true)
        #expect(lengths.count == 2 && rows.count == 1 + lengths.reduce(0, +), "\(lengths) \(rows.count)")
        #expect(FileManager.default.fileExists(atPath: "\(directory)/trace.png"))
        let untraced = try CommandLine.run(["eval", "--policy", "\(directory)/runs/\(runName)", "--trace", "\(directory)/t.csv"])
        #expect(untraced.status != 0 && untraced.standardError.contains("add --reward-model MODEL"))
        // Zero endings: answers and fit count steps past an episode's end as 0, and an ended state earns nothing.
        #expect(try CommandLine.run(["queries", "answer", "--store", store, "--teacher", "oracle", "--annotator", "zero",
                                     "--endings", "zero"]).standardOutput.contains("40 queries answered"))
        let zeroFit = try CommandLine.run(["fit-reward", "--store", store, "--task", "LunarLanderContinuous-v1", "--hidden", "16",
                                           "--epochs", "5", "--endings", "zero", "--out", "\(directory)/zero.safetensors"])
        #expect(zeroFit.status == 0, "\(zeroFit.standardError)")
        let ceilingFit = try CommandLine.run(["fit-reward", "--store", store, "--task", "LunarLanderContinuous-v1", "--hidden", "16",
                                              "--epochs", "5", "--endings", "zero", "--nonpositive-reward", "--out", "\(directory)/ceiling.safetensors"])
        #expect(ceilingFit.status == 0, "\(ceilingFit.standardError)")
        let ceilingScored = try CommandLine.run(["eval", "--policy", "\(directory)/runs/\(runName)", "--episodes", "2",
                                                 "--reward-model", "\(directory)/ceiling.safetensors", "--trace", "\(directory)/ceiling.csv"])
        #expect(ceilingScored.status == 0, "\(ceilingScored.standardError)")
        let ceilingRewards = try String(contentsOfFile: "\(directory)/ceiling.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            .compactMap { Double($0.split(separator: ",")[3]) }
        #expect(!ceilingRewards.isEmpty && ceilingRewards.allSatisfy { $0 <= 0 }, "largest learned reward \(ceilingRewards.max() ?? .nan)")
        let ceilingLearned = try CommandLine.run(["fit-reward", "--store", store, "--task", "LunarLanderContinuous-v1", "--nonpositive-reward",
                                                  "--endings", "learned", "--out", "\(directory)/c2.safetensors"])
        #expect(ceilingLearned.status != 0 && ceilingLearned.standardError.contains("needs --endings zero, not learned"))
        let zeroScored = try CommandLine.run(["eval", "--policy", "\(directory)/runs/\(runName)", "--episodes", "2",
                                              "--reward-model", "\(directory)/zero.safetensors"])
        #expect(zeroScored.status == 0 && !zeroScored.standardOutput.contains("ended-state"), "\(zeroScored.standardOutput)")
        let badEndings = try CommandLine.run(["queries", "answer", "--store", store, "--teacher", "oracle", "--endings", "sideways"])
        #expect(badEndings.status != 0 && badEndings.standardError.contains("--endings is learned, zero, terminal or off"))
        // Errors: an unknown teacher, a store of another task, a wrong-task model.
        let teacher = try CommandLine.run(["queries", "answer", "--store", store, "--teacher", "lazy"])
        #expect(teacher.status != 0 && teacher.standardError.contains("unknown teacher 'lazy'"))
        let wrongTask = try CommandLine.run(["fit-reward", "--store", store, "--task", "BipedalWalker-v1", "--out", "\(directory)/w.safetensors"])
        #expect(wrongTask.status != 0 && wrongTask.standardError.contains("LunarLanderContinuous-v1"))
        let wrongModel = try CommandLine.run(["train", "--task", "BipedalWalker-v1", "--algo", "ppo", "--reward", "model:\(directory)/reward.safetensors",
                                              "--out", "\(directory)/runs2"])
        #expect(wrongModel.status != 0 && wrongModel.standardError.contains("fitted for LunarLanderContinuous-v1"))
        let bonus = try CommandLine.run(["pbrl", "--task", "LunarLanderContinuous-v1", "--algo", "ppo", "--teacher", "oracle", "--endings", "maybe"])
        let fraction = try CommandLine.run(["pbrl", "--task", "LunarLanderContinuous-v1", "--algo", "ppo", "--teacher", "oracle", "--feedback-fraction", "1.5"])
        #expect(fraction.status != 0 && fraction.standardError.contains("--feedback-fraction must be a number above 0 and at most 1, got '1.5'"))
        #expect(bonus.status != 0 && bonus.standardError.contains("--endings is learned, zero, terminal or off"))
        let share = try CommandLine.run(["pbrl", "--task", "LunarLanderContinuous-v1", "--algo", "ppo", "--teacher", "oracle", "--demonstration-share", "0.1"])
        #expect(share.status != 0 && share.standardError.contains("add --demonstrations K"))
        let endingShare = try CommandLine.run(["pbrl", "--task", "LunarLanderContinuous-v1", "--algo", "sac", "--teacher", "oracle", "--ending-share", "half"])
        #expect(endingShare.status != 0 && endingShare.standardError.contains("--ending-share must be a number from 0 to 1, got 'half'"))
        let ceiling = try CommandLine.run(["pbrl", "--task", "LunarLanderContinuous-v1", "--algo", "sac", "--teacher", "oracle",
                                           "--nonpositive-reward", "--endings", "terminal"])
        #expect(ceiling.status != 0 && ceiling.standardError.contains("--nonpositive-reward") && ceiling.standardError.contains("needs --endings zero"))
        let offset = try CommandLine.run(["pbrl", "--task", "LunarLanderContinuous-v1", "--algo", "sac", "--teacher", "oracle", "--reward-offset", "mean"])
        #expect(offset.status != 0 && offset.standardError.contains("--reward-offset is free or agent-median, not 'mean'"))
        let offsetEndings = try CommandLine.run(["pbrl", "--task", "LunarLanderContinuous-v1", "--algo", "sac", "--teacher", "oracle",
                                                 "--reward-offset", "agent-median", "--endings", "learned"])
        #expect(offsetEndings.status != 0 && offsetEndings.standardError.contains("needs --endings zero, not learned"))
        let both = try CommandLine.run(["pbrl", "--task", "LunarLanderContinuous-v1", "--algo", "sac", "--teacher", "oracle",
                                        "--reward-offset", "agent-median", "--nonpositive-reward"])
        #expect(both.status != 0 && both.standardError.contains("choose one"))
    }
}
