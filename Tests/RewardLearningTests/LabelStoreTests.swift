import Foundation
import Testing
import TestSupport
import SandboxCore
import PhysicsEnvs
@testable import RewardLearning

@Suite("Label store", .serialized)
struct LabelStoreTests {
    func temporaryPath(_ name: String) -> String { Fixtures.temporaryPath(name) }
    func filledStore(_ path: String) throws -> LabelStore { try Fixtures.filledStore(path) }

    @Test("queries, answers, pending lists and undo")
    func basics() throws {
        let path = temporaryPath("basic.db")
        let store = try filledStore(path)
        #expect(try store.task == "LunarLanderContinuous-v1")
        #expect(try store.pendingQueries().count == 3)
        try store.add(answer: .first, to: 1, annotator: "ada", responseTime: 2.5)
        try store.add(answer: .equal, to: 2, annotator: "ada", responseTime: 1.0)
        #expect(try store.pendingQueries(annotator: "ada").map(\.id) == [3])
        #expect(try store.pendingQueries(annotator: "bob").count == 3)
        #expect(try store.pendingQueries(kind: .triplet).map(\.id) == [3])
        #expect(try store.undoLastAnswer(annotator: "ada") == 2)
        #expect(try store.pendingQueries(annotator: "ada").map(\.id) == [2, 3])
        #expect(try store.answers().map(\.answer) == [.first])
        #expect(throws: LabelStoreError.self) { try store.add(answer: .first, to: 99, annotator: "ada", responseTime: 1) }
        #expect(throws: LabelStoreError.self) { try store.add(answer: .first, to: 1, annotator: "ada", responseTime: .nan) }
        // Reopening sees everything.
        let reopened = try LabelStore(path: path)
        #expect(try reopened.counts.answers == 1)
        #expect(try reopened.queries()[2].reference != nil)
        // Labelled pairs replay their episodes; the pair's segments hold the recorded actions.
        let pairs = try reopened.labelledPairs(in: Fixtures.tasks)
        #expect(pairs.count == 1 && pairs[0].firstPreferred == 1 && pairs[0].first.length == 20)
        // Episodes of another task are refused.
        let walker = try Fixtures.tasks.make("BipedalWalker-v1")
        let other = try Rollout.run(walker, controller: walker.makeHeuristic(), seed: 0, maxSteps: 5).record
        #expect(throws: LabelStoreError.self) { try store.add(episode: other) }
    }

    @Test("export → import → export is identical")
    func exportImport() throws {
        let store = try filledStore(temporaryPath("a.db"))
        try store.add(answer: .second, to: 1, annotator: "ada", responseTime: 3.25)
        try store.add(answer: .skip, to: 3, annotator: "bob", responseTime: 0.5)
        let first = URL(fileURLWithPath: temporaryPath("one.jsonl")), second = URL(fileURLWithPath: temporaryPath("two.jsonl"))
        #expect(try store.export(to: first) == 3)
        let copy = try LabelStore(path: temporaryPath("b.db"))
        #expect(try copy.importQueries(from: first).newQueries == 3)
        try copy.export(to: second)
        #expect(try Data(contentsOf: first) == Data(contentsOf: second))
        // A malformed line imports nothing.
        let broken = URL(fileURLWithPath: temporaryPath("broken.jsonl"))
        let lines = try String(contentsOf: first, encoding: .utf8).split(separator: "\n")
        try (lines[0] + "\n{\"id\": 1}\n").write(to: broken, atomically: true, encoding: .utf8)
        let empty = try LabelStore(path: temporaryPath("c.db"))
        do {
            try empty.importQueries(from: broken)
            Issue.record("a malformed import was accepted")
        } catch let error as LabelStoreError {
            #expect(error.description.hasPrefix("\(broken.path):2: missing field"), "\(error)")
        }
        #expect(try empty.counts.queries == 0)
    }

    @Test("damaged files and newer formats are refused clearly")
    func refusals() throws {
        let garbage = temporaryPath("garbage.db")
        try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: garbage))
        do {
            _ = try LabelStore(path: garbage)
            Issue.record("a damaged store opened")
        } catch let error as LabelStoreError {
            #expect(error.description.contains("damaged"))
        }
        let newer = temporaryPath("newer.db")
        _ = try LabelStore(path: newer)
        let raw = try SQLiteDatabase(path: newer)
        try raw.execute("PRAGMA user_version = 9")
        #expect(throws: LabelStoreError.self) { try LabelStore(path: newer) }
    }
}
