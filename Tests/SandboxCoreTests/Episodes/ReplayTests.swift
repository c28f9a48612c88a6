import Foundation
import Testing
import TestSupport
@testable import SandboxCore
import PhysicsEnvs

@Suite("Episode records and replay")
struct ReplayTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("a record replays bit for bit, frames included", arguments: Fixtures.tasks.ids)
    func replayMatches(id: String) throws {
        let environment = try Fixtures.tasks.make(id)
        let controller = RandomController(space: environment.spec.actionSpace, seed: 17)
        let size = try RenderSize(width: 48, height: 32)
        let original = try Rollout.run(environment, controller: controller, seed: 21, maxSteps: 40, renderSize: size)
        let url = try temporaryDirectory().appendingPathComponent("episode.json")
        try original.record.write(to: url)
        let loaded = try EpisodeRecord.read(from: url)
        #expect(loaded == original.record)
        let replay = try Rollout.replay(loaded, in: Fixtures.tasks, renderSize: size)
        #expect(replay.matched, "\(replay.mismatches)")
        #expect(replay.episode.frames == original.frames)
    }

    @Test("a tampered record is reported as a mismatch")
    func tamperedRecordMismatches() throws {
        let environment = try LunarLander()
        var record = try Rollout.run(environment, controller: environment.makeHeuristic(), seed: 0, maxSteps: 30).record
        record.actions[10] = [1, 1]  // both engines at full throttle where the heuristic did otherwise
        let replay = try Rollout.replay(record, in: Fixtures.tasks)
        #expect(!replay.matched)
        #expect(!replay.mismatches.isEmpty)
    }

    @Test("records from another task version or format are refused clearly")
    func versionMismatch() throws {
        let environment = try LunarLander()
        var record = try Rollout.run(environment, controller: environment.makeHeuristic(), seed: 0, maxSteps: 5).record
        record.version = 7
        do {
            _ = try Rollout.replay(record, in: Fixtures.tasks)
            Issue.record("expected a version error")
        } catch {
            #expect(String(describing: error).contains("v7"))
        }
        record.version = 1
        record.format = 99
        let url = try temporaryDirectory().appendingPathComponent("future.json")
        try record.write(to: url)
        #expect(throws: RecordError.self) { try EpisodeRecord.read(from: url) }
    }

    @Test("malformed and missing files give errors that name the problem")
    func malformedRecords() throws {
        let directory = try temporaryDirectory()
        let garbage = directory.appendingPathComponent("garbage.json")
        try Data("{not json".utf8).write(to: garbage)
        let missingField = directory.appendingPathComponent("partial.json")
        try Data(#"{"format": 1, "task": "CarRacing"}"#.utf8).write(to: missingField)
        for (url, fragment) in [(garbage, "not valid JSON"), (missingField, "missing field"), (directory.appendingPathComponent("absent.json"), "cannot read")] {
            do {
                _ = try EpisodeRecord.read(from: url)
                Issue.record("expected an error for \(url.lastPathComponent)")
            } catch let error as RecordError {
                #expect(error.description.contains(fragment), "\(error.description)")
            }
        }
    }
}
