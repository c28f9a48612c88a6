import Foundation
import Testing
import TestSupport
@testable import RewardLearning

/// Issue 23 through the command line: `queries`, `label`, `labels stats` and `fit-reward` on label
/// stores — a clear error, nothing lost or doubled.
@Suite("sandbox queries, labels and fit-reward on label stores", .serialized)
struct LabelStoreCommandTests {
    /// A failing command prints exactly one `sandbox: error:` line containing `fragments`.
    func expectError(_ output: CommandLine.Output, status: Int32, _ fragments: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(output.status == status, "status \(output.status): \(output.standardError)", sourceLocation: sourceLocation)
        #expect(output.standardError.hasPrefix("sandbox: error: ") && output.standardError.split(separator: "\n").count == 1,
                "\(output.standardError)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(output.standardError.contains(fragment), "\(output.standardError)", sourceLocation: sourceLocation)
        }
    }

    @Test("the demo's store: stats over segments past their episode's end, answering twice, progress of fit-reward")
    func demoStore() throws {
        let directory = try CommandLine.temporaryDirectory()
        let store = "\(directory)/labels.db"
        // The Makefile's demo commands.
        let make = try CommandLine.run(["queries", "make", "--store", store, "--task", "LunarLanderContinuous-v1", "--policy", "heuristic",
                                        "--episodes", "10", "--pairs", "150"])
        #expect(make.standardOutput == "stored 50 segments of 50 steps and 150 pair queries in \(store)\n", "\(make.standardError)")
        let answer = try CommandLine.run(["queries", "answer", "--store", store, "--teacher", "oracle"])
        #expect(answer.standardOutput == "150 queries answered by teacher:oracle\n", "one summary line")
        let stats = try CommandLine.run(["labels", "stats", "--store", store, "--json"])
        #expect(stats.status == 0, "\(stats.standardError)")
        let rows = try JSONSerialization.jsonObject(with: Data(stats.standardOutput.utf8)) as? [[String: Any]]
        #expect(rows?.first?["agreement_with_oracle"] as? Double == 1, "the oracle agrees with itself: \(stats.standardOutput)")
        #expect(rows?.first?["answers"] as? Int == 150)
        // A second run as the same annotator answers nothing and says so; another annotator answers all.
        let again = try CommandLine.run(["queries", "answer", "--store", store, "--teacher", "oracle"])
        #expect(again.standardOutput == "0 queries answered by teacher:oracle; 150 already answered by teacher:oracle were left as they were (an annotator answers a query once)\n")
        let verbose = try CommandLine.run(["queries", "answer", "--store", store, "--teacher", "noisy", "--verbose"])
        let lines = verbose.standardOutput.split(separator: "\n")
        #expect(lines.count == 151 && lines[0].hasPrefix("answered query 1: ") && lines[150] == "150 queries answered by teacher:noisy")
        #expect(try CommandLine.run(["queries", "show", "--store", store]).standardOutput.contains("150 queries, 300 answers, 0 pending"))
        let fit = try CommandLine.run(["fit-reward", "--store", store, "--task", "LunarLanderContinuous-v1", "--hidden", "8", "--epochs", "2",
                                       "--ensemble", "1", "--out", "\(directory)/reward.safetensors"])
        #expect(fit.status == 0 && fit.standardOutput.contains("fitted 1 members on 240 pairs (60 held out)"), "\(fit.standardOutput)\(fit.standardError)")
    }

    @Test("commands that read or answer a store refuse a missing one, make nothing and say how to make one")
    func missingStore() throws {
        let directory = try CommandLine.temporaryDirectory()
        let store = "\(directory)/nothere.db"
        let commands: [[String]] = [
            ["queries", "show", "--store", store],
            ["queries", "answer", "--store", store, "--teacher", "oracle"],
            ["queries", "export", "--store", store, "\(directory)/out.jsonl"],
            ["label", "--store", store, "--terminal"],
            ["label", "--store", store],
            ["labels", "stats", "--store", store],
            ["fit-reward", "--store", store, "--task", "LunarLanderContinuous-v1", "--out", "\(directory)/reward.safetensors"],
        ]
        for command in commands {
            expectError(try CommandLine.run(command), status: 2, "no label store at \(store)", "sandbox queries make")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test("every store command refuses an unrelated SQLite file and leaves it as it was")
    func unrelatedDatabase() throws {
        let directory = try CommandLine.temporaryDirectory()
        let other = "\(directory)/other.db"
        try SQLiteDatabase(path: other).execute("CREATE TABLE photos(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos(name) VALUES ('cat')")
        let before = try Data(contentsOf: URL(fileURLWithPath: other))
        let exported = "\(directory)/in.jsonl"
        try Fixtures.filledStore("\(directory)/real.db").export(to: URL(fileURLWithPath: exported))
        let commands: [[String]] = [
            ["queries", "show", "--store", other],
            ["queries", "answer", "--store", other, "--teacher", "oracle"],
            ["queries", "export", "--store", other, "\(directory)/out.jsonl"],
            ["queries", "import", "--store", other, exported],
            ["queries", "make", "--store", other, "--task", "LunarLanderContinuous-v1", "--episodes", "2", "--pairs", "2"],
            ["label", "--store", other, "--terminal"],
            ["labels", "stats", "--store", other],
            ["fit-reward", "--store", other, "--task", "LunarLanderContinuous-v1", "--out", "\(directory)/reward.safetensors"],
        ]
        for command in commands {
            expectError(try CommandLine.run(command), status: 2, "\(other) is not a label store (an SQLite database with tables photos)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: other)) == before)
        #expect(!FileManager.default.fileExists(atPath: "\(other)-wal"))
    }

    @Test("importing twice adds nothing the second time; a bad line is FILE:LINE and imports nothing")
    func importTwice() throws {
        let directory = try CommandLine.temporaryDirectory()
        let source = try Fixtures.filledStore("\(directory)/source.db")
        try source.add(answer: .first, to: 1, annotator: "ada", responseTime: 1)
        let file = "\(directory)/queries.jsonl"
        try source.export(to: URL(fileURLWithPath: file))
        let store = "\(directory)/copy.db"
        let first = try CommandLine.run(["queries", "import", "--store", store, file])
        #expect(first.standardOutput == "imported 3 new queries, 0 already in the store; 1 answers added to \(store)\n", "\(first.standardError)")
        let second = try CommandLine.run(["queries", "import", "--store", store, file])
        #expect(second.standardOutput == "imported 0 new queries, 3 already in the store; 0 answers added to \(store)\n")
        #expect(try CommandLine.run(["queries", "show", "--store", store]).standardOutput.contains("2 episodes, 3 queries, 1 answers"))
        // The store and the file swapped.
        expectError(try CommandLine.run(["queries", "import", "--store", file, store]), status: 1, "\(store):1: an SQLite database, not JSON Lines")

        // A segment outside its episode (60 steps, cut short) on line 2: refused, naming file, line and field.
        var lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[1] = lines[1].replacingOccurrences(of: "\"length\":20,\"start\":20", with: "\"length\":20,\"start\":45")
        let bad = "\(directory)/bad.jsonl"
        try lines.joined(separator: "\n").write(toFile: bad, atomically: true, encoding: .utf8)
        let fresh = "\(directory)/fresh.db"
        expectError(try CommandLine.run(["queries", "import", "--store", fresh, bad]), status: 1,
                    "\(bad):2: first: segment of 20 steps from step 45 lies outside its episode of 60 steps")
        #expect(!FileManager.default.fileExists(atPath: fresh), "a refused import makes no store")
        // A bad field in an existing store: nothing of the file is imported.
        lines[1] = String(lines[1].replacingOccurrences(of: "\"start\":45", with: "\"start\":20"))
        lines[2] = lines[2].replacingOccurrences(of: "\"round\":2", with: "\"round\":\"two\"")
        try lines.joined(separator: "\n").write(toFile: bad, atomically: true, encoding: .utf8)
        let target = "\(directory)/target.db"
        _ = try Fixtures.filledStore(target)
        expectError(try CommandLine.run(["queries", "import", "--store", target, bad]), status: 1, "\(bad):3: wrong type at round")
        #expect(try LabelStore(existingAt: target).counts.queries == 3)
    }

    @Test("queries make checks before writing: too long a segment or too many pairs leave no store; no pair twice")
    func makeValidates() throws {
        let directory = try CommandLine.temporaryDirectory()
        let store = "\(directory)/labels.db"
        // Random arm episodes hit their 30-step time limit.
        expectError(try CommandLine.run(["queries", "make", "--store", store, "--task", "PlanarArm-v1", "--episodes", "3", "--segment", "50"]),
                    status: 2, "--segment 50", "the shortest of the 3 episodes has 30 steps")
        expectError(try CommandLine.run(["queries", "make", "--store", store, "--task", "PlanarArm-v1", "--episodes", "2", "--segment", "10",
                                         "--pairs", "16"]), status: 2, "--pairs 16 is more than the 15 new distinct pairs of 6 segments")
        #expect(!FileManager.default.fileExists(atPath: store))
        // All 15 pairs, then none left: the second run refuses and writes nothing.
        let made = try CommandLine.run(["queries", "make", "--store", store, "--task", "PlanarArm-v1", "--episodes", "2", "--segment", "10", "--pairs", "15"])
        #expect(made.status == 0, "\(made.standardError)")
        expectError(try CommandLine.run(["queries", "make", "--store", store, "--task", "PlanarArm-v1", "--episodes", "2", "--segment", "10", "--pairs", "1"]),
                    status: 2, "--pairs 1 is more than the 0 new distinct pairs")
        let written = try LabelStore(existingAt: store)
        #expect(try written.counts.queries == 15 && written.counts.episodes == 2)
        #expect(try written.queryIdentities().count == 15)
        // More episodes with the same seed reuse the stored ones and add only new pairs.
        let more = try CommandLine.run(["queries", "make", "--store", store, "--task", "PlanarArm-v1", "--episodes", "3", "--segment", "10", "--pairs", "20"])
        #expect(more.standardOutput.contains("(15 pairs of these segments were already there and were not drawn again)"), "\(more.standardOutput)\(more.standardError)")
        #expect(try written.counts.queries == 35 && written.counts.episodes == 3)
        #expect(Set(try written.queryIdentities().keys.map { [$0.first.digest + "\($0.first.start)", $0.second.digest + "\($0.second.start)"].sorted() }).count == 35)
        expectError(try CommandLine.run(["queries", "make", "--store", store, "--task", "GridWorld-v1", "--episodes", "2"]),
                    status: 2, "holds PlanarArm-v1 queries, not GridWorld-v1")
    }
}
