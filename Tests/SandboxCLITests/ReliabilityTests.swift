import Foundation
import Testing
import SandboxCLI
import TestSupport

/// Issue 23: bad values are refused before work starts, with exit status 2 for usage errors and 1 for
/// the rest; no raw Foundation text; no half-made run folders; damaged bundles refused; pbrl resumes.
@Suite("reliability: bad input, exit codes, resumption")
struct ReliabilityTests {
    /// Runs a command that must fail with `status`, with an error line containing `text`.
    func expectFailure(_ arguments: [String], status: Int32, mentions text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try CommandLine.run(arguments)
        #expect(result.status == status, "\(arguments): \(result.standardError)", sourceLocation: sourceLocation)
        #expect(result.standardError.contains(text), "\(arguments): \(result.standardError)", sourceLocation: sourceLocation)
        #expect(result.standardError.hasPrefix("sandbox: error: ") && result.standardError.filter { $0 == "\n" }.count == 1,
                "one line: \(result.standardError)", sourceLocation: sourceLocation)
        for raw in ["NSCocoaErrorDomain", "UserInfo", "DecodingError", "Fatal error"] {
            #expect(!result.standardError.contains(raw), "\(arguments): \(result.standardError)", sourceLocation: sourceLocation)
        }
    }

    @Test("hyperparameters out of range are usage errors, and leave no run folder")
    func hyperparameterRanges() throws {
        let directory = try CommandLine.temporaryDirectory()
        let cases: [(String, String, String)] = [
            ("ppo", "hiddenSizes=[0]", "hiddenSizes"), ("ppo", "gamma=2", "'gamma' must be a finite number above 0 and at most 1, got 2"),
            ("sac", "learningRate=-1", "learningRate"), ("ppo", "minibatchSize=0", "minibatchSize"), ("sac", "tau=0", "tau"),
            ("ppo", "clipRange=nan", "clipRange"), ("sac", "bufferSize=100000000000", "bufferSize"),
        ]
        for (algorithm, assignment, mention) in cases {
            try expectFailure(["train", "--task", "LunarLanderContinuous", "--algo", algorithm, "--hyperparameter", assignment, "--out", directory],
                              status: 2, mentions: mention)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test("task options out of range, unknown names and bad values exit with status 2")
    func usageErrors() throws {
        try expectFailure(["rollout", "--task", "LunarLanderContinuous", "--option", "enable_wind=2"], status: 2, mentions: "neither 0 (off) nor 1 (on)")
        try expectFailure(["rollout", "--task", "LunarLanderContinuous", "--option", "wind_power=50"], status: 2, mentions: "outside [0, 20]")
        try expectFailure(["rollout", "--task", "GridWorld", "--option", "max_episode_steps=1e300"], status: 2, mentions: "max_episode_steps")
        try expectFailure(["train", "--task", "Nope", "--algo", "ppo"], status: 2, mentions: "unknown task 'Nope'")
        try expectFailure(["train", "--task", "LunarLanderContinuous", "--algo", "ppo", "--reward", "bogus"], status: 2, mentions: "unknown reward 'bogus'")
        try expectFailure(["qdhf", "--domain", "arm", "--method", "gt", "--grid", "100000", "--out", "/tmp/never"], status: 2, mentions: "--grid must be at most 1000")
        try expectFailure(["help", "nope"], status: 2, mentions: "no command 'nope'")
    }

    @Test("file errors are put in words, with exit status 1")
    func fileErrors() throws {
        let directory = try CommandLine.temporaryDirectory()
        try expectFailure(["replay", directory], status: 1, mentions: "it is a folder, not a file")
        try expectFailure(["replay", "\(directory)/missing.json"], status: 1, mentions: "no such file")
        try Data("{\"format\": 1, \"task\": 3}".utf8).write(to: URL(fileURLWithPath: "\(directory)/bad.json"))
        try expectFailure(["replay", "\(directory)/bad.json"], status: 1, mentions: "bad.json")
    }

    @Test("--version, help COMMAND, and every command's --help")
    func versionAndHelp() throws {
        let version = try CommandLine.run(["--version"])
        #expect(version.status == 0 && version.standardOutput.hasPrefix("sandbox 0."))
        for command in ["tasks", "rollout", "replay", "pair", "train", "eval", "plot", "queries", "fit-reward", "pbrl", "qdhf", "archive", "label", "labels"] {
            let help = try CommandLine.run([command, "--help"])
            #expect(help.status == 0 && help.standardOutput.hasPrefix("usage: sandbox \(command)"), "\(command)")
            let same = try CommandLine.run(["help", command])
            #expect(same.standardOutput == help.standardOutput, "\(command)")
        }
    }

    @Test("the README's command reference is the tool's own help text")
    func readmeReference() throws {
        let reference = try CommandLine.run(["help", "--markdown"]).standardOutput
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let begin = "<!-- command reference: generated by `sandbox help --markdown` (scripts/update-command-reference.sh) -->\n\n"
        let end = "<!-- end of command reference -->"
        guard let start = readme.range(of: begin), let stop = readme.range(of: end) else {
            Issue.record("README.md has no command reference markers")
            return
        }
        let section = String(readme[start.upperBound..<stop.lowerBound])
        #expect(section == reference, "README.md's command reference differs from `sandbox help --markdown`; run scripts/update-command-reference.sh")
    }

    @Test("edited archive bundles are refused with the reason; an elite out of range is a usage error")
    func editedBundles() throws {
        let directory = try CommandLine.temporaryDirectory()
        let run = try CommandLine.run(["qdhf", "--domain", "arm", "--method", "gt", "--iterations", "4", "--batch", "10", "--grid", "6",
                                       "--out", "\(directory)/run"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("no similarity judgments"), "\(run.standardOutput)")
        let bundle = "\(directory)/run/archive"
        let manifestURL = URL(fileURLWithPath: "\(bundle)/manifest.json")
        let original = try Data(contentsOf: manifestURL)
        let edits: [(String, (inout [String: Any]) -> Void)] = [
            ("must each be at least 1 cell", { m in var a = m["archive"] as! [String: Any]; a["dimensions"] = [0, 6]; m["archive"] = a }),
            ("more than 1000000 cells", { m in var a = m["archive"] as! [String: Any]; a["dimensions"] = [100_000, 100_000]; m["archive"] = a }),
            ("task_version is 7", { m in m["task_version"] = 7 }),
            ("domain 'ocean'", { m in m["domain"] = "ocean" }),
            ("outside the grid's 36 cells", { m in var e = m["elites"] as! [[String: Any]]; e[0]["cell"] = 1_000_000_000; m["elites"] = e }),
            ("but its measures fall in cell", { m in
                var e = m["elites"] as! [[String: Any]]; e[0]["cell"] = ((e[0]["cell"] as! Int) + 1) % 36; m["elites"] = e }),
        ]
        for (message, edit) in edits {
            var manifest = try JSONSerialization.jsonObject(with: original) as! [String: Any]
            edit(&manifest)
            try JSONSerialization.data(withJSONObject: manifest).write(to: manifestURL)
            for action in ["show", "replay"] {
                try expectFailure(["archive", action, bundle], status: 1, mentions: message)
            }
        }
        try original.write(to: manifestURL)
        try expectFailure(["archive", "replay", bundle, "--elite", "999"], status: 2, mentions: "no elite 999")
    }

    @Test("pbrl resumes with its labels and schedule; train --resume sends a pbrl run there")
    func pbrlResume() throws {
        let directory = try CommandLine.temporaryDirectory()
        let first = try CommandLine.run(["pbrl", "--task", "LunarLanderContinuous", "--algo", "ppo", "--teacher", "oracle", "--labels", "20",
                                         "--per-round", "10", "--steps", "1024", "--feedback-fraction", "1", "--segment", "20",
                                         "--hyperparameter", "environmentCount=1", "--hyperparameter", "stepsPerEnvironment=1024",
                                         "--hyperparameter", "epochs=1", "--out", directory])
        #expect(first.status == 0, "\(first.standardError)")
        let run = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first.map { "\(directory)/\($0)" })
        let before = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(run)/pbrl_state.json"))) as! [String: Any]
        #expect(before["labelsUsed"] as? Int == 10, "\(before)")
        try expectFailure(["train", "--resume", run], status: 2, mentions: "sandbox pbrl --resume")
        try expectFailure(["pbrl", "--resume", run], status: 2, mentions: "already trained its 1024 steps")
        let resumed = try CommandLine.run(["pbrl", "--resume", run, "--steps", "2048"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardOutput.contains("round 1, 10 of 20 labels asked"), "\(resumed.standardOutput)")
        #expect(resumed.standardOutput.contains("20 labels asked, 20 answered"), "\(resumed.standardOutput)")
        let after = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(run)/pbrl_state.json"))) as! [String: Any]
        #expect((after["askedQueryIDs"] as? [Int])?.count == 20)
    }

    @Test("a pbrl run with a person who never answers saves no model and says so")
    func pbrlWithoutAnswers() throws {
        let directory = try CommandLine.temporaryDirectory()
        let result = try CommandLine.run(["pbrl", "--task", "LunarLanderContinuous", "--algo", "ppo", "--teacher", "human", "--labels", "10",
                                          "--steps", "1024", "--segment", "20", "--hyperparameter", "environmentCount=1",
                                          "--hyperparameter", "stepsPerEnvironment=1024", "--hyperparameter", "epochs=1", "--out", directory])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("no usable answer arrived, so no reward model was fitted and none is saved"), "\(result.standardOutput)")
        let run = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first.map { "\(directory)/\($0)" })
        #expect(!FileManager.default.fileExists(atPath: "\(run)/reward_model.safetensors"))
    }

    @Test("ranking at the terminal: Enter keeps the shown order and defaults; q or the end of input saves nothing, exit 1, said once")
    func rankingKeysAndQuitting() throws {
        let directory = try CommandLine.temporaryDirectory()
        let file = "\(directory)/ranking.json"
        let kept = try CommandLine.run(["label", "--ranking", "--task", "GridWorld", "--out", file, "--terminal"], input: "\n\n\n")
        #expect(kept.status == 0, "\(kept.standardError)")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as! [String: Any]
        #expect((object["levels"] as! [[String: Any]]).map { ($0["terms"] as! [String]).joined(separator: "+") } == ["step", "goal"])
        for input in ["q\n", "\nq\n", ""] {
            let quit = try CommandLine.run(["label", "--ranking", "--task", "GridWorld", "--out", "\(directory)/other.json", "--terminal"], input: input)
            #expect(quit.status == 1, "\(input): \(quit.standardOutput)")
            #expect(quit.standardError.components(separatedBy: "nothing was written").count == 2, "\(quit.standardError)")
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/other.json"))
        }
    }

    @Test("a checkpoint holding NaN is refused naming the file and the tensor")
    func nanCheckpoint() throws {
        let directory = try CommandLine.temporaryDirectory()
        let trained = try CommandLine.run(["train", "--task", "LunarLanderContinuous", "--algo", "ppo", "--steps", "256", "--out", directory,
                                           "--hyperparameter", "environmentCount=1", "--hyperparameter", "stepsPerEnvironment=256",
                                           "--hyperparameter", "epochs=1"])
        #expect(trained.status == 0, "\(trained.standardError)")
        let run = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first.map { "\(directory)/\($0)" })
        let url = URL(fileURLWithPath: "\(run)/policy.safetensors")
        var data = try Data(contentsOf: url)
        // The data section is last; its final float is a parameter: make it NaN.
        let nan = Float.nan.bitPattern
        for k in 0..<4 { data[data.count - 4 + k] = UInt8((nan >> (8 * UInt32(k))) & 0xFF) }
        try data.write(to: url)
        try expectFailure(["rollout", "--policy", url.path], status: 1, mentions: "policy.safetensors: tensor")
        try expectFailure(["eval", "--policy", run, "--episodes", "1"], status: 1, mentions: "NaN or infinite")
    }

    @Test("replay notices actions listed after the episode ended")
    func actionsAfterTheEnd() throws {
        let directory = try CommandLine.temporaryDirectory()
        let recorded = try CommandLine.run(["rollout", "--task", "GridWorld", "--policy", "random", "--record", "\(directory)/r.json"])
        #expect(recorded.status == 0, "\(recorded.standardError)")
        let url = URL(fileURLWithPath: "\(directory)/r.json")
        var record = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        record["actions"] = (record["actions"] as! [Any]) + [[0], [1]]
        try JSONSerialization.data(withJSONObject: record).write(to: url)
        let replayed = try CommandLine.run(["replay", url.path])
        #expect(replayed.status == 1 && replayed.standardOutput.contains("2 action(s) after its episode ended"), "\(replayed.standardOutput)")
    }
}
