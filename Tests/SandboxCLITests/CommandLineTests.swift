import Foundation
import Testing
import SandboxCLI
import TestSupport

/// Runs `sandbox` as a user would and checks its output and exit status: in-process through
/// `SandboxCLI.run` (what `main.swift` calls), or as the built executable where a test needs a process
/// of its own (an environment of its own, signals, a kill).
struct CommandLine {
    struct Output {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    static var executable: URL {
        // The test bundle sits beside the products in the build folder.
        var directory = Bundle.main.bundleURL
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("sandbox")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/sandbox")
    }

    /// Runs `sandbox` with `arguments`; `input` is what it reads from standard input (then input ends).
    /// With `environment` it runs as a process with that environment.
    static func run(_ arguments: [String], input: String? = nil, environment: [String: String]? = nil) throws -> Output {
        if let environment { return try runProcess(arguments, input: input, environment: environment) }
        let console = Console(capturingWithInput: input)
        let status = SandboxCLI.run(arguments, console: console)
        return Output(status: status, standardOutput: console.output, standardError: console.errorOutput)
    }

    /// Runs the built `sandbox` executable; `input` is piped to its standard input (closed after), and
    /// `environment` replaces its environment when given.
    static func runProcess(_ arguments: [String], input: String? = nil, environment: [String: String]? = nil) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        let stdin = Pipe(), out = Pipe(), err = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        process.standardOutput = out
        process.standardError = err
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, standardOutput: String(decoding: stdout, as: UTF8.self),
                      standardError: String(decoding: stderr, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

@Suite("sandbox command line")
struct CommandLineTests {
    /// A failing command prints exactly one `sandbox: error:` line and no crash trace.
    func expectCleanError(_ output: CommandLine.Output, status: Int32, mentioning fragment: String) {
        #expect(output.status == status)
        let lines = output.standardError.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(output.standardError)")
        #expect(output.standardError.hasPrefix("sandbox: error: "))
        #expect(output.standardError.contains(fragment), "stderr: \(output.standardError)")
        #expect(!output.standardError.contains("Fatal error") && !output.standardError.contains("Backtrac"))
    }

    @Test("the executable's exit codes: 0 done, 1 failed, 2 misused, with one error line")
    func executableExitCodes() throws {
        #expect(try CommandLine.runProcess(["tasks", "--json"]).status == 0)
        expectCleanError(try CommandLine.runProcess(["train", "--task", "Pendulum-v1", "--algo", "ppo"]), status: 2, mentioning: "unknown task")
        expectCleanError(try CommandLine.runProcess(["train", "--algo", "ppo"]), status: 2, mentioning: "--task")
        #expect(try CommandLine.runProcess([]).status == 2)
    }

    @Test("tasks lists every task with spaces and reward terms")
    func tasks() throws {
        let output = try CommandLine.run(["tasks"])
        #expect(output.status == 0)
        for id in ["LunarLanderContinuous-v1", "BipedalWalker-v1", "BipedalWalkerHardcore-v1", "CarRacing-v1", "PlanarArm-v1", "MazeNavigation-v1"] {
            #expect(output.standardOutput.contains(id))
        }
        #expect(output.standardOutput.contains("main_engine"))
        let json = try CommandLine.run(["tasks", "--json"])
        let decoded = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [[String: Any]]
        #expect(decoded?.count == SandboxCLI.tasks.entries.count)
        #expect(output.standardOutput.contains("action       Discrete(4)"))
    }

    @Test("rollout prints one line per episode and writes clip, sheet and record; replay matches")
    func rolloutAndReplay() throws {
        let directory = try CommandLine.temporaryDirectory()
        let output = try CommandLine.run([
            "rollout", "--task", "LunarLanderContinuous-v1", "--policy", "heuristic", "--seed", "4", "--episodes", "2",
            "--clip", "\(directory)/clips/lander.gif", "--size", "96x64", "--record", "\(directory)/lander.json",
            "--sheet", "\(directory)/sheet.png",
        ])
        #expect(output.status == 0, "\(output.standardError)")
        let episodeLines = output.standardOutput.split(separator: "\n").filter { $0.hasPrefix("episode ") }
        #expect(episodeLines.count == 2)
        #expect(episodeLines[0].contains("seed 4 return"))
        for file in ["clips/lander-e0.gif", "clips/lander-e1.gif", "lander-e0.json", "lander-e1.json", "sheet-e0.png"] {
            #expect(FileManager.default.fileExists(atPath: "\(directory)/\(file)"), "missing \(file)")
        }
        let replay = try CommandLine.run(["replay", "\(directory)/lander-e1.json"])
        #expect(replay.status == 0)
        #expect(replay.standardOutput.contains("matched"))

        let pair = try CommandLine.run(["pair", "\(directory)/lander-e0.json", "\(directory)/lander-e1.json",
                                        "--clip", "\(directory)/pair.gif", "--start", "10", "--length", "20"])
        #expect(pair.status == 0, "\(pair.standardError)")
        #expect(pair.standardOutput.contains("21 frames"))
    }

    @Test("random policy and task options work from the command line")
    func randomPolicyWithOptions() throws {
        let output = try CommandLine.run(["rollout", "--task", "BipedalWalker", "--policy", "random", "--max-steps", "20",
                                          "--option", "max_episode_steps=10"])
        #expect(output.status == 0)
        #expect(output.standardOutput.contains("length 10 truncated"))
    }

    @Test("bad input gives a one-line error and a non-zero exit")
    func errors() throws {
        let directory = try CommandLine.temporaryDirectory()
        expectCleanError(try CommandLine.run(["rollout", "--task", "Pendulum-v1"]), status: 2, mentioning: "unknown task 'Pendulum-v1'")
        expectCleanError(try CommandLine.run(["rollout", "--task", "CarRacing-v3"]), status: 2, mentioning: "CarRacing-v1")
        expectCleanError(try CommandLine.run(["rollout", "--task", "CarRacing-v1", "--clip", "/tmp/x.gif", "--size", "12by5"]),
                         status: 2, mentioning: "WIDTHxHEIGHT")
        expectCleanError(try CommandLine.run(["rollout", "--task", "CarRacing-v1", "--clip", "/proc/none/x.gif"]),
                         status: 2, mentioning: "/proc/none")
        expectCleanError(try CommandLine.run(["rollout", "--task", "CarRacing-v1", "--clip", "\(directory)/x.avi"]),
                         status: 2, mentioning: ".gif or .mp4")
        expectCleanError(try CommandLine.run(["rollout", "--task", "CarRacing-v1", "--episodes", "zero"]),
                         status: 2, mentioning: "--episodes")
        expectCleanError(try CommandLine.run(["rollout", "--task", "CarRacing-v1", "--sed", "3"]), status: 2, mentioning: "--sed")
        // A misspelt switch does not swallow the option after it as its value.
        expectCleanError(try CommandLine.run(["rollout", "--task", "CarRacing-v1", "--stochastik", "--episodes", "1"]),
                         status: 2, mentioning: "option --stochastik needs a value before --episodes")
        expectCleanError(try CommandLine.run(["rollout", "--task", "CarRacing-v1", "--episodes", "1", "2"]),
                         status: 2, mentioning: "takes options only, not '2'")
        expectCleanError(try CommandLine.run(["rollout", "--task", "LunarLanderContinuous-v1", "--option", "gravity=nan"]),
                         status: 2, mentioning: "gravity")
        expectCleanError(try CommandLine.run(["rollout"]), status: 2, mentioning: "--task")
        expectCleanError(try CommandLine.run(["fly"]), status: 2, mentioning: "unknown command 'fly'")

        let malformed = "\(directory)/bad.json"
        try Data("[1, 2".utf8).write(to: URL(fileURLWithPath: malformed))
        expectCleanError(try CommandLine.run(["replay", malformed]), status: 1, mentioning: "malformed")
        expectCleanError(try CommandLine.run(["replay", "\(directory)/missing.json"]), status: 1, mentioning: "cannot read")
        let wrongVersion = "\(directory)/v9.json"
        try Data(#"{"format":1,"task":"LunarLanderContinuous","version":9,"options":{},"seed":0,"actions":[],"return":0,"length":0,"term_sums":{},"terminated":false,"truncated":false,"digest":"0"}"#.utf8)
            .write(to: URL(fileURLWithPath: wrongVersion))
        expectCleanError(try CommandLine.run(["replay", wrongVersion]), status: 1, mentioning: "LunarLanderContinuous-v9")
    }
}
