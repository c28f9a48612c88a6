import Foundation
import Testing
import TestSupport
import SandboxCore
import PhysicsEnvs
@testable import RewardLearning

/// Issue 23 for the label store: a clear error, nothing lost or doubled — which files open as stores,
/// one answer per annotator and query, idempotent and checked imports, distinct random pairs, and
/// statistics over segments that run past their episode's end.
@Suite("Label store integrity", .serialized)
struct LabelStoreIntegrityTests {
    /// Whole heuristic lander episodes (they terminate), cut as `queries make` cuts them.
    func landerEpisodes(_ count: Int, segment: Int = 50) throws -> [(record: EpisodeRecord, starts: [Int])] {
        let environment = try Fixtures.tasks.make("LunarLanderContinuous-v1")
        return try (0..<UInt64(count)).map { seed in
            let record = try Rollout.run(environment, controller: environment.makeHeuristic(), seed: seed).record
            return (record, segmentStarts(episodeLength: record.length, segmentLength: segment, terminated: record.terminated))
        }
    }

    /// Expects `body` to throw an error whose description contains `fragment`.
    func expectError(_ fragment: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
        let error = #expect(throws: (any Error).self, sourceLocation: sourceLocation) { try body() }
        #expect(error.map { "\($0)" }?.contains(fragment) == true, "\(error.map { "\($0)" } ?? "no error")", sourceLocation: sourceLocation)
    }

    func tableNames(_ path: String) throws -> [String] {
        try SQLiteDatabase(path: path, creating: false).query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").compactMap { $0.first?.text }
    }

    // MARK: opening

    @Test("a missing store is not made by init(existingAt:); a new store is marked with the application id")
    func missingAndMarked() throws {
        let path = Fixtures.temporaryPath("missing.db")
        expectError("no label store at \(path); make one with `sandbox queries make") { _ = try LabelStore(existingAt: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
        _ = try LabelStore(path: path)
        let raw = try SQLiteDatabase(path: path, creating: false)
        #expect(try raw.query("PRAGMA application_id").first?.first?.integer == Int64(LabelStore.applicationID))
        #expect(try raw.query("PRAGMA user_version").first?.first?.integer == Int64(LabelStore.formatVersion))
        _ = try LabelStore(existingAt: path)
    }

    @Test("an unrelated SQLite file or an empty one is refused and left untouched")
    func foreignFiles() throws {
        let other = Fixtures.temporaryPath("other.db")
        do {
            let raw = try SQLiteDatabase(path: other)
            try raw.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes(text) VALUES ('keep me')")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: other))
        expectError("\(other) is not a label store (an SQLite database with tables notes)") { _ = try LabelStore(path: other) }
        expectError("\(other) is not a label store (an SQLite database with tables notes)") { _ = try LabelStore(existingAt: other) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: other)) == before)
        #expect(try tableNames(other) == ["notes"])
        #expect(!FileManager.default.fileExists(atPath: other + "-wal"))

        // Another program's marked database, even without tables.
        let marked = Fixtures.temporaryPath("marked.db")
        try SQLiteDatabase(path: marked).execute("PRAGMA application_id = 1234")
        expectError("another program") { _ = try LabelStore(path: marked) }

        // An empty file is not a store to read, but a command that makes queries may make one there.
        let empty = Fixtures.temporaryPath("empty.db")
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        expectError("it is empty") { _ = try LabelStore(existingAt: empty) }
        #expect(try LabelStore(path: empty).counts.queries == 0)
    }

    @Test("a store made before the application id still opens: marked, and an annotator's repeated answers become one")
    func legacyStore() throws {
        let path = Fixtures.temporaryPath("legacy.db")
        let store = try Fixtures.filledStore(path)
        try store.add(answer: .first, to: 1, annotator: "ada", responseTime: 1)
        try store.add(answer: .skip, to: 2, annotator: "bob", responseTime: 1)
        // Turn it back into format 1: no mark, no unique index, and the same annotator twice on query 1.
        let raw = try SQLiteDatabase(path: path, creating: false)
        try raw.execute("""
            DROP INDEX one_standing_answer; DROP INDEX segments_by_place;
            INSERT INTO answers(query_id, annotator, answer, response_time, answered_at) VALUES (1, 'ada', 'second', 2, 5);
            PRAGMA application_id = 0; PRAGMA user_version = 1;
            """)
        #expect(try raw.query("SELECT COUNT(*) FROM answers WHERE undone = 0").first?.first?.integer == 3)
        let reopened = try LabelStore(existingAt: path)
        #expect(try reopened.answers().map { "\($0.queryID) \($0.annotator) \($0.answer)" } == ["2 bob skip", "1 ada second"])
        #expect(try reopened.statistics(in: Fixtures.tasks, includeOracle: false).first { $0.annotator == "ada" }?.answers == 1)
        #expect(try raw.query("PRAGMA application_id").first?.first?.integer == Int64(LabelStore.applicationID))
        #expect(try raw.query("PRAGMA user_version").first?.first?.integer == 2)
    }

    // MARK: answers

    @Test("a second answer by the same annotator revises the first: counted once in statistics, training data and export")
    func revision() throws {
        let store = try Fixtures.filledStore(Fixtures.temporaryPath("revise.db"))
        try store.add(answer: .first, to: 1, annotator: "ada", responseTime: 1)
        try store.add(answer: .equal, to: 1, annotator: "bob", responseTime: 1)
        try store.add(answer: .second, to: 1, annotator: "ada", responseTime: 2)
        #expect(try store.answers().map { "\($0.annotator) \($0.answer)" } == ["bob equal", "ada second"])
        #expect(try store.addUnlessAnswered(.first, to: 1, annotator: "ada", responseTime: 1) == nil)
        #expect(try store.addUnlessAnswered(.first, to: 2, annotator: "ada", responseTime: 1) != nil)
        let statistics = try store.statistics(in: Fixtures.tasks, includeOracle: false)
        #expect(statistics.map(\.annotator) == ["bob", "ada"] && statistics.map(\.answers) == [1, 2])
        #expect(try store.labelledPairs(in: Fixtures.tasks).count == 3)
        let file = URL(fileURLWithPath: Fixtures.temporaryPath("revise.jsonl"))
        try store.export(to: file)
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        #expect(lines[0].components(separatedBy: "\"annotator\"").count - 1 == 2)
        // Undo then withdraws the revision; the replaced answer stays replaced.
        #expect(try store.undoLastAnswer(annotator: "ada") == 2)
        #expect(try store.undoLastAnswer(annotator: "ada") == 1)
        #expect(try store.pendingQueries(annotator: "ada").map(\.id) == [1, 2, 3])
    }

    @Test("two teachers answering as one annotator at once answer each query once")
    func concurrentTeachers() throws {
        let path = Fixtures.temporaryPath("twice.db")
        let store = try Fixtures.filledStore(path)
        let first = try StoreTeacher(.simulated(preset: "oracle"), seed: 1, tasks: Fixtures.tasks)
        let second = try StoreTeacher(.simulated(preset: "noisy"), seed: 2, tasks: Fixtures.tasks)
        var inner: StoreTeacher.Summary?
        // After the first teacher's first answer, another process (connection) answers the rest.
        let outer = try first.answerPending(in: store, as: "bot") { _, _ in
            if inner == nil { inner = try? second.answerPending(in: try! LabelStore(existingAt: path), as: "bot") }
        }
        #expect(outer == .init(answered: 1, alreadyAnswered: 1))
        #expect(inner == .init(answered: 1, alreadyAnswered: 1))
        #expect(try store.answers().count == 2)
        // A later run finds nothing left.
        #expect(try first.answerPending(in: store, as: "bot") == .init(answered: 0, alreadyAnswered: 2))
    }

    // MARK: statistics past an episode's end

    @Test("statistics count a segment past its terminated episode's end as the oracle teacher does")
    func statisticsPastTheEnd() throws {
        let store = try LabelStore(path: Fixtures.temporaryPath("past.db"))
        var generator = SeededGenerator(seed: 7)
        let episodes = try landerEpisodes(3)
        #expect(episodes.allSatisfy { $0.record.terminated && $0.record.length % 50 != 0 })
        try store.addRandomPairQueries(episodes, segmentLength: 50, count: 40, using: &generator)
        let pastTheEnd = try store.queries().flatMap { [$0.first, $0.second] }.filter { $0.start + $0.length > (try store.episode($0.episode).length) }
        #expect(!pastTheEnd.isEmpty)
        // The oracle under each ending rule agrees with itself; the two rules differ on some segments.
        for endings in [Endings.zero, .learned] {
            try StoreTeacher(.simulated(preset: "oracle"), seed: 0, endings: endings, tasks: Fixtures.tasks).answerPending(in: store, as: "oracle \(endings)")
        }
        let statistics = try store.statistics(in: Fixtures.tasks)
        #expect(statistics.map(\.answers) == [40, 40])
        #expect(statistics[0].agreementWithOracle == 1, "the oracle agrees with itself")
        #expect(statistics[1].agreementWithOracle! < 1)
        #expect(try store.statistics(in: Fixtures.tasks, endings: .learned)[1].agreementWithOracle == 1)
        #expect(try store.labelledPairs(in: Fixtures.tasks).count == 80)
    }

    @Test("a stored segment outside its episode is a clear error, not a crash")
    func segmentOutside() throws {
        let store = try Fixtures.filledStore(Fixtures.temporaryPath("outside.db"))
        // Episode 1 has 60 steps and was cut short (not terminated): steps 50..<70 do not exist.
        let outside = try store.add(segment: SegmentReference(episode: 1, start: 50, length: 20))
        let inside = try store.add(segment: SegmentReference(episode: 2, start: 0, length: 20))
        let query = try store.addQuery(kind: .pair, first: outside, second: inside)
        try store.add(answer: .first, to: query, annotator: "ada", responseTime: 1)
        let problem = "query \(query): its segment of 20 steps from step 50 does not fit episode 1 of 60 steps"
        expectError(problem) { _ = try store.statistics(in: Fixtures.tasks) }
        expectError(problem) { _ = try store.labelledPairs(in: Fixtures.tasks) }
    }

    // MARK: queries make

    @Test("random pairs are distinct, never repeat a stored pair either way round, and a refusal writes nothing")
    func randomPairs() throws {
        let store = try LabelStore(path: Fixtures.temporaryPath("pairs.db"))
        let episodes = try landerEpisodes(2, segment: 100)
        let segments = episodes.reduce(0) { $0 + $1.starts.count }
        let all = segments * (segments - 1) / 2
        var generator = SeededGenerator(seed: 3)
        let made = try store.addRandomPairQueries(episodes, segmentLength: 100, count: all - 2, using: &generator)
        #expect(made == .init(segments: segments, newPairs: all - 2, storedPairs: 0))
        expectError("asked for 3 pairs but \(segments) segments give only 2 new distinct pairs") {
            try store.addRandomPairQueries(episodes, segmentLength: 100, count: 3, using: &generator)
        }
        #expect(try store.counts.queries == all - 2)
        let again = try store.addRandomPairQueries(episodes, segmentLength: 100, count: 2, using: &generator)
        #expect(again == .init(segments: segments, newPairs: 2, storedPairs: all - 2))
        let counts = try store.counts
        #expect(counts.episodes == 2 && counts.queries == all)
        let unordered = Set(try store.queryIdentities().keys.map { [$0.first, $0.second].map { "\($0.digest) \($0.start)" }.sorted() })
        #expect(unordered.count == all)
    }

    // MARK: import

    @Test("importing the same export twice adds nothing the second time; new answers to known queries are merged")
    func idempotentImport() throws {
        let original = try Fixtures.filledStore(Fixtures.temporaryPath("source.db"))
        try original.add(answer: .second, to: 1, annotator: "ada", responseTime: 3.25)
        let file = URL(fileURLWithPath: Fixtures.temporaryPath("export.jsonl"))
        try original.export(to: file)
        // Re-importing into the store it came from changes nothing.
        #expect(try original.importQueries(from: file) == .init(newQueries: 0, existingQueries: 3, answersToNewQueries: 0, answersToExistingQueries: 0))
        let copy = try LabelStore(path: Fixtures.temporaryPath("copy.db"))
        #expect(try copy.importQueries(from: file) == .init(newQueries: 3, existingQueries: 0, answersToNewQueries: 1, answersToExistingQueries: 0))
        let counts = try copy.counts
        #expect(try copy.importQueries(from: file) == .init(newQueries: 0, existingQueries: 3, answersToNewQueries: 0, answersToExistingQueries: 0))
        #expect(try copy.counts == counts)
        #expect(counts.episodes == 2 && counts.queries == 3 && counts.answers == 1)
        // Answers given in the original since are merged into the copy; older ones do not undo later ones.
        try original.add(answer: .first, to: 2, annotator: "bob", responseTime: 1)
        try original.add(answer: .first, to: 1, annotator: "ada", responseTime: 1, at: Date(timeIntervalSince1970: 1))
        try original.export(to: file)
        #expect(try copy.importQueries(from: file) == .init(newQueries: 0, existingQueries: 3, answersToNewQueries: 0, answersToExistingQueries: 1))
        #expect(try copy.answers().map { "\($0.queryID) \($0.annotator) \($0.answer)" } == ["1 ada second", "2 bob first"])
    }

    @Test("a bad import line is FILE:LINE: problem, naming the field, and imports nothing")
    func badImportLines() throws {
        let source = try Fixtures.filledStore(Fixtures.temporaryPath("lines.db"))
        try source.add(answer: .first, to: 2, annotator: "ada", responseTime: 0)
        let file = URL(fileURLWithPath: Fixtures.temporaryPath("good.jsonl"))
        try source.export(to: file)
        let good = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(String.init)
        func expectRefused(_ bad: String, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let path = Fixtures.temporaryPath("bad.jsonl")
            // A blank line is counted: the bad line is line 3.
            try ([good[0], "", bad, good[1]].joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            let store = try LabelStore(path: Fixtures.temporaryPath("target.db"))
            let url = URL(fileURLWithPath: path)
            expectError("\(path):3: ", sourceLocation: sourceLocation) { try store.importQueries(try QueryImport.read(from: url, tasks: Fixtures.tasks)) }
            expectError(fragment, sourceLocation: sourceLocation) { try store.importQueries(try QueryImport.read(from: url, tasks: Fixtures.tasks)) }
            #expect(try store.counts.queries == 0 && store.counts.episodes == 0, sourceLocation: sourceLocation)
        }
        // A segment past the end of an episode that was cut short (60 steps, not terminated).
        try expectRefused(good[1].replacingOccurrences(of: "\"length\":20,\"start\":20", with: "\"length\":20,\"start\":50"),
                          "first: segment of 20 steps from step 50 lies outside its episode of 60 steps")
        try expectRefused(good[1].replacingOccurrences(of: "\"kind\":\"pair\"", with: "\"kind\":\"trio\""), "bad value at kind")
        try expectRefused(good[1].replacingOccurrences(of: "\"kind\":\"pair\",", with: ""), "missing field 'kind'")
        try expectRefused(String(good[1].dropLast()), "not valid JSON")
        try expectRefused(good[1].replacingOccurrences(of: "\"kind\":\"pair\"", with: "\"kind\":\"triplet\""), "reference: a triplet query needs")
        try expectRefused(good[1].replacingOccurrences(of: "\"task\":\"LunarLanderContinuous-v1\"", with: "\"task\":\"BipedalWalker-v1\""),
                          "first.episode: a LunarLanderContinuous-v1 episode in a BipedalWalker-v1 query")
        try expectRefused(good[1].replacingOccurrences(of: "LunarLanderContinuous", with: "Nowhere"), "task: unknown task 'Nowhere-v1'")
        try expectRefused(good[1].replacingOccurrences(of: "\"response_time\":0", with: "\"response_time\":-1"), "answers[0].response_time: -1.0")
    }
}
