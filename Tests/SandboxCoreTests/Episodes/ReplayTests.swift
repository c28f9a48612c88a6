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

    @Test("a segment whose end overflows, or a time limit beyond an Int, is refused, not trapped on (issue 23)")
    func hostileNumbers() throws {
        let environment = try Fixtures.tasks.make("GridWorld-v1")
        var record = try Rollout.run(environment, controller: RandomController(space: environment.spec.actionSpace, seed: 3),
                                     seed: 4, maxSteps: 10).record
        record.terminated = true  // segments of a terminated episode may run past its end, but not without bound
        let n = record.actions.count
        for (start, length) in [(1, Int.max), (0, Rollout.maximumSegmentLength + 1), (-1, 2), (n, 1), (0, 0)] {
            #expect {
                try Rollout.checkSegment(start: start, length: length, of: record)
            } throws: { error in
                guard case let .segmentOutOfRange(s, l, episodeLength)? = error as? RecordError else { return false }
                return s == start && l == length && episodeLength == n
            }
        }
        try Rollout.checkSegment(start: n - 1, length: 50, of: record)
        record.options["max_episode_steps"] = 1e300
        #expect(throws: RecordError.self) { try Rollout.environment(replaying: record, in: Fixtures.tasks) }
    }
}
