import Foundation
import Testing
import TestSupport
import SandboxCLI
import SandboxCore

/// The command line called in-process through `SandboxCLI.run`, as `main.swift` calls it: exit statuses
/// and the files commands write, without starting a process.
@Suite("sandbox in-process")
struct InProcessTests {
    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-inprocess-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("usage errors are status 2, failures 1, help 0")
    func statuses() {
        #expect(SandboxCLI.run([]) == 2)
        #expect(SandboxCLI.run(["--help"]) == 0)
        #expect(SandboxCLI.run(["train", "--help"]) == 0)
        #expect(SandboxCLI.run(["nonsense"]) == 2)
        #expect(SandboxCLI.run(["train"]) == 2)
        #expect(SandboxCLI.run(["train", "--task", "LunarLanderContinuous-v1", "--algo", "dqn"]) == 2)
        #expect(SandboxCLI.run(["train", "--task", "Pendulum-v1", "--algo", "ppo"]) == 2)
        #expect(SandboxCLI.run(["tasks", "stray"]) == 2)
    }

    @Test("the registry the tool assembles holds every task family")
    func registry() throws {
        #expect(SandboxCLI.tasks.ids.contains("LunarLanderContinuous-v1"))
        #expect(SandboxCLI.tasks.ids.contains("GridWorld-v1"))
        #expect(try SandboxCLI.tasks.spec(for: "GridWorld").actionSpace == .discrete(DiscreteSpace(4)))
    }

    @Test("a gridworld rollout's record replays; a continuous-control agent on it is refused before any folder is made")
    func gridWorld() throws {
        let directory = try temporaryDirectory()
        #expect(SandboxCLI.run(["rollout", "--task", "GridWorld-v1", "--policy", "heuristic", "--seed", "4",
                                "--record", "\(directory)/grid.json", "--clip", "\(directory)/grid.gif"]) == 0)
        #expect(FileManager.default.fileExists(atPath: "\(directory)/grid.gif"))
        #expect(SandboxCLI.run(["replay", "\(directory)/grid.json"]) == 0)
        let record = try EpisodeRecord.read(from: URL(fileURLWithPath: "\(directory)/grid.json"))
        #expect(record.terminated && record.actions.allSatisfy { $0.count == 1 })
        #expect(SandboxCLI.run(["train", "--task", "GridWorld-v1", "--algo", "ppo", "--steps", "64", "--out", "\(directory)/runs"]) == 2)
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/runs"))
    }
}
