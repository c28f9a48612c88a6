import Foundation
import Testing
import TestSupport

/// `sandbox sweep` on local cores and `sandbox-mpi` under `mpirun` (4 ranks, oversubscribed, loopback).
@Suite("sandbox sweep and MPI", .serialized)
struct SweepCommandTests {
    /// Two configurations × two seeds of a very short PPO run.
    static let tinySweep = """
    {"command": "train",
     "options": {"task": "LunarLanderContinuous", "algo": "ppo", "steps": 1024, "hyperparameter": ["stepsPerEnvironment=512", "epochs=1"]},
     "grid": {"envs": [1, 2]},
     "seeds": [1, 2]}
    """

    func write(_ text: String, in directory: String, name: String = "sweep.json") throws -> String {
        let path = "\(directory)/\(name)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// `mpirun` with the flags this machine needs (as root, CI's case, Open MPI wants them said).
    func mpirun(_ ranks: Int, _ arguments: [String]) throws -> CommandLine.Output {
        let mpiExecutable = CommandLine.executable.deletingLastPathComponent().appendingPathComponent("sandbox-mpi").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/mpirun")
        process.arguments = ["--oversubscribe", "--bind-to", "none", "-np", String(ranks)] + (geteuid() == 0 ? ["--allow-run-as-root"] : [])
            + [mpiExecutable] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandLine.Output(status: process.terminationStatus, standardOutput: String(decoding: stdout, as: UTF8.self),
                                  standardError: String(decoding: stderr, as: UTF8.self))
    }

    var mpiAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/mpirun") }

    @Test("a local sweep runs every configuration and seed, merges them, and a rerun skips finished runs")
    func localSweep() throws {
        let directory = try CommandLine.temporaryDirectory()
        let spec = try write(Self.tinySweep, in: directory)
        let first = try CommandLine.run(["sweep", spec, "--out", "\(directory)/out", "--jobs", "2"])
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput.contains("| c00 | envs=1 | 2 | 1, 2 |") && first.standardOutput.contains("| c01 | envs=2 | 2 | 1, 2 |"), "\(first.standardOutput)")
        let lines = try String(contentsOfFile: "\(directory)/out/sweep.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4)
        #expect(FileManager.default.fileExists(atPath: "\(directory)/out/sweep_eval_return.png"))
        let again = try CommandLine.run(["sweep", spec, "--out", "\(directory)/out"])
        #expect(again.standardOutput.contains("4 already finished, 0 to run"), "\(again.standardOutput)")
        // A shard runs its share only.
        let sharded = try CommandLine.run(["sweep", spec, "--out", "\(directory)/shard", "--shard", "1/2"])
        #expect(sharded.standardOutput.contains("shard 1/2: 2") && sharded.standardOutput.contains("2 of 4 runs finished"), "\(sharded.standardOutput)")
    }

    @Test("a malformed sweep file is a one-line error naming the field")
    func malformedSpecs() throws {
        let directory = try CommandLine.temporaryDirectory()
        for (text, fragment) in [("{\"command\": \"dance\"}", "command 'dance' cannot be swept"),
                                 ("{\"command\": \"train\", \"grid\": {\"envs\": []}}", "grid.envs must be a non-empty list"),
                                 ("{\"command\": \"train\", \"seeds\": [-1]}", "seeds must list whole numbers"),
                                 ("{\"command\": \"train\", \"options\": {\"out\": \"x\"}}", "options.out is set by the sweep"),
                                 ("{\"command\": \"train\", \"colour\": 1}", "colour is not a field"),
                                 ("[1, 2]", "top level not a JSON object")] {
            let spec = try write(text, in: directory)
            let result = try CommandLine.run(["sweep", spec, "--out", "\(directory)/out"])
            #expect(result.status == 2 && result.standardError.contains(fragment), "\(text): \(result.standardError)")
            #expect(result.standardError.split(separator: "\n").count == 1)
        }
        let shard = try CommandLine.run(["sweep", try write(Self.tinySweep, in: directory), "--shard", "3/2"])
        #expect(shard.status == 2 && shard.standardError.contains("--shard takes I/N"))
    }

    @Test("4 MPI ranks run a tiny sweep; a distributed QDHF run is byte-identical to one process")
    func mpiSweepAndDistributedQDHF() throws {
        guard mpiAvailable else {
            Issue.record("mpirun is missing; make test installs openmpi-bin")
            return
        }
        let directory = try CommandLine.temporaryDirectory()
        let spec = try write(Self.tinySweep, in: directory)
        let sweep = try mpirun(4, ["sweep", spec, "--out", "\(directory)/mpi"])
        #expect(sweep.status == 0, "\(sweep.standardError)")
        let runs = try FileManager.default.contentsOfDirectory(atPath: "\(directory)/mpi/runs").sorted()
        #expect(runs == ["c00-seed1", "c00-seed2", "c01-seed1", "c01-seed2"])
        let table = try String(contentsOfFile: "\(directory)/mpi/sweep.md", encoding: .utf8)
        #expect(table.contains("| c00 | envs=1 | 2 |") && table.contains("| c01 | envs=2 | 2 |"), "\(table)")

        let options = ["--domain", "arm", "--method", "qdhf", "--iterations", "12", "--batch", "16", "--judgments", "60", "--grid", "8", "--seed", "5"]
        let single = try CommandLine.run(["qdhf"] + options + ["--out", "\(directory)/one"])
        #expect(single.status == 0, "\(single.standardError)")
        let distributed = try mpirun(4, ["qdhf", "--distributed"] + options + ["--out", "\(directory)/four"])
        #expect(distributed.status == 0, "\(distributed.standardError)")
        for file in ["metrics.jsonl", "summary.json", "archive/manifest.json", "archive/policies.safetensors", "archive/measures.safetensors"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/one/\(file)"))
            let b = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/four/\(file)"))
            #expect(a == b, "\(file) differs between 1 process and 4 ranks")
        }
        let refused = try CommandLine.run(["qdhf", "--distributed"] + options + ["--out", "\(directory)/x"])
        #expect(refused.status == 2 && refused.standardError.contains("mpirun -np N sandbox-mpi qdhf --distributed"))
    }

    @Test("a rank killed mid-sweep loses only its run: the rerun finishes the sweep without redoing finished runs")
    func killedRank() throws {
        guard mpiAvailable else {
            Issue.record("mpirun is missing; make test installs openmpi-bin")
            return
        }
        let directory = try CommandLine.temporaryDirectory()
        let spec = try write("""
        {"command": "train",
         "options": {"task": "LunarLanderContinuous", "algo": "ppo", "steps": 4096, "hyperparameter": ["stepsPerEnvironment=512", "epochs=2"]},
         "grid": {"envs": [1, 2, 4]}, "seeds": [1, 2]}
        """, in: directory)
        let out = "\(directory)/mpi"
        let mpiExecutable = CommandLine.executable.deletingLastPathComponent().appendingPathComponent("sandbox-mpi").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/mpirun")
        process.arguments = ["--oversubscribe", "--bind-to", "none", "-np", "2"] + (geteuid() == 0 ? ["--allow-run-as-root"] : [])
            + [mpiExecutable, "sweep", spec, "--out", out]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait for a finished run, then kill rank 1 (a child of mpirun running sandbox-mpi).
        func finished() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: "\(out)/runs")) ?? []).filter {
                FileManager.default.fileExists(atPath: "\(out)/runs/\($0)/sweep-run.json")
            }.sorted()
        }
        let deadline = Date().addingTimeInterval(120)
        while finished().isEmpty && Date() < deadline && process.isRunning { usleep(50_000) }
        let ranks = try FileManager.default.contentsOfDirectory(atPath: "/proc").compactMap(Int32.init).filter { pid in
            let parent = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.split(separator: " ").dropFirst(3).first
            let command = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
            return parent.flatMap { Int32($0) } == process.processIdentifier && command.contains("sandbox-mpi")
        }
        if process.isRunning, let victim = ranks.max() { kill(victim, SIGKILL) }
        process.waitUntilExit()
        let before = finished()
        #expect(!before.isEmpty && before.count < 6, "the kill should land mid-sweep: \(before.count) of 6 finished")
        #expect(process.terminationStatus != 0, "mpirun should report the killed rank")
        let stamps = Dictionary(uniqueKeysWithValues: before.map { name in
            (name, (try? FileManager.default.attributesOfItem(atPath: "\(out)/runs/\(name)/sweep-run.json")[.modificationDate] as? Date) ?? nil)
        })
        let rerun = try mpirun(2, ["sweep", spec, "--out", out])
        #expect(rerun.status == 0, "\(rerun.standardError)")
        #expect(rerun.standardOutput.contains("\(before.count) already finished, \(6 - before.count) to run"), "\(rerun.standardOutput)")
        #expect(finished().count == 6)
        for name in before {
            let stamp = try FileManager.default.attributesOfItem(atPath: "\(out)/runs/\(name)/sweep-run.json")[.modificationDate] as? Date
            #expect(stamp == stamps[name]!, "\(name) was redone")
        }
    }
}
