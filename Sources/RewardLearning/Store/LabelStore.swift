import Foundation
import SandboxCore

/// A person's (or a simulated teacher's) answer to a query.
public enum Answer: String, Codable, Sendable, CaseIterable {
    /// The first segment (A, left) is better — or, for a triplet, more like the reference.
    case first
    case second
    case equal
    case skip
}

/// The kind of question a query asks.
public enum QueryKind: String, Codable, Sendable {
    /// Which of two segments is better?
    case pair
    /// Which of two segments is more like the reference?
    case triplet
}

/// A stretch of a recorded episode: steps [start, start + length) of the episode's actions.
public struct SegmentReference: Codable, Equatable, Sendable {
    public var episode: Int64
    public var start: Int
    public var length: Int

    public init(episode: Int64, start: Int, length: Int) {
        self.episode = episode
        self.start = start
        self.length = length
    }
}

public struct StoredQuery: Equatable, Sendable {
    public var id: Int64
    public var kind: QueryKind
    public var first: SegmentReference
    public var second: SegmentReference
    public var reference: SegmentReference?
    public var round: Int
    public var createdAt: Double
}

public struct StoredAnswer: Codable, Equatable, Sendable {
    public var queryID: Int64
    public var annotator: String
    public var answer: Answer
    /// Seconds from showing the query to the answer.
    public var responseTime: Double
    /// Unix time of the answer.
    public var answeredAt: Double
}

public enum LabelStoreError: Error, CustomStringConvertible {
    case cannotOpen(String, reason: String)
    case damaged(String, reason: String)
    case newerFormat(String, found: Int, supported: Int)
    case sqlite(String, statement: String, reason: String)
    case unknownQuery(Int64)
    case malformedImport(line: Int, reason: String)
    case taskMismatch(store: String, given: String)
    case waitInterrupted(answered: Int, of: Int)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): return "cannot open label store \(path): \(reason)"
        case let .damaged(path, reason): return "label store \(path) is damaged or not a label store (\(reason)); restore it from an export (sandbox queries import) or use another file"
        case let .newerFormat(path, found, supported): return "label store \(path) has format \(found); this build reads up to \(supported) — update sandbox"
        case let .sqlite(path, statement, reason): return "label store \(path): \(reason) (in \(statement.prefix(60)))"
        case .unknownQuery(let id): return "the label store has no query \(id)"
        case let .malformedImport(line, reason): return "import line \(line): \(reason)"
        case let .taskMismatch(store, given): return "the label store holds queries for \(store), not \(given); use another store file"
        case let .waitInterrupted(answered, total): return "stopped while waiting for answers (\(answered) of \(total) answered); the answers given are saved in the store"
        }
    }
}

/// A crash-safe store of episodes, segments, queries and answers: one SQLite file in WAL mode with
/// full synchronisation, so every answer is on disk when `add(answer:)` returns and a crash or Ctrl-C
/// loses nothing committed. Several processes may share a store (a trainer writing queries, windows
/// answering them).
public final class LabelStore {
    public static let formatVersion = 1
    public let path: String
    private let db: SQLiteDatabase
    var database: SQLiteDatabase { db }

    public init(path: String) throws {
        self.path = path
        db = try SQLiteDatabase(path: path)
        // Reading the version first also detects files that are not SQLite databases.
        let version = Int(try db.query("PRAGMA user_version").first?.first?.integer ?? 0)
        guard version <= Self.formatVersion else { throw LabelStoreError.newerFormat(path, found: version, supported: Self.formatVersion) }
        try db.execute("PRAGMA journal_mode=WAL")
        try db.execute("PRAGMA synchronous=FULL")
        try db.execute("PRAGMA foreign_keys=ON")
        if version == 0 {
            try db.transaction {
                try db.execute("""
                CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS episodes(id INTEGER PRIMARY KEY, task TEXT NOT NULL, record TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS segments(
                    id INTEGER PRIMARY KEY, episode_id INTEGER NOT NULL REFERENCES episodes(id),
                    start INTEGER NOT NULL, length INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS queries(
                    id INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK(kind IN ('pair', 'triplet')),
                    first_segment INTEGER NOT NULL REFERENCES segments(id), second_segment INTEGER NOT NULL REFERENCES segments(id),
                    reference_segment INTEGER REFERENCES segments(id), round INTEGER NOT NULL DEFAULT 0, created_at REAL NOT NULL);
                CREATE TABLE IF NOT EXISTS answers(
                    id INTEGER PRIMARY KEY, query_id INTEGER NOT NULL REFERENCES queries(id), annotator TEXT NOT NULL,
                    answer TEXT NOT NULL CHECK(answer IN ('first', 'second', 'equal', 'skip')),
                    response_time REAL NOT NULL, answered_at REAL NOT NULL, undone INTEGER NOT NULL DEFAULT 0);
                CREATE INDEX IF NOT EXISTS answers_by_query ON answers(query_id);
                PRAGMA user_version = \(Self.formatVersion);
                """)
            }
        }
    }

    // MARK: task

    /// The task every episode in the store belongs to (set by the first episode).
    public var task: String? {
        get throws { try db.query("SELECT value FROM meta WHERE key = 'task'").first?.first?.text }
    }

    // MARK: writing

    /// Stores an episode record and returns its id.
    @discardableResult
    public func add(episode record: EpisodeRecord) throws -> Int64 {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(record), as: UTF8.self)
        return try db.transaction {
            if let existing = try task {
                guard existing == record.taskID else { throw LabelStoreError.taskMismatch(store: existing, given: record.taskID) }
            } else {
                try db.query("INSERT INTO meta(key, value) VALUES ('task', ?)", [.text(record.taskID)])
            }
            try db.query("INSERT INTO episodes(task, record) VALUES (?, ?)", [.text(record.taskID), .text(json)])
            return db.lastInsertedRow
        }
    }

    /// Stores a segment of a stored episode and returns its id.
    @discardableResult
    public func add(segment: SegmentReference) throws -> Int64 {
        try db.query("INSERT INTO segments(episode_id, start, length) VALUES (?, ?, ?)",
                     [.integer(segment.episode), .integer(Int64(segment.start)), .integer(Int64(segment.length))])
        return db.lastInsertedRow
    }

    /// Stores a query over stored segments (ids from `add(segment:)`) and returns its id.
    @discardableResult
    public func addQuery(kind: QueryKind, first: Int64, second: Int64, reference: Int64? = nil, round: Int = 0,
                         createdAt: Double = Date().timeIntervalSince1970) throws -> Int64 {
        try db.query("INSERT INTO queries(kind, first_segment, second_segment, reference_segment, round, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                     [.text(kind.rawValue), .integer(first), .integer(second), reference.map { .integer($0) } ?? .null,
                      .integer(Int64(round)), .real(createdAt)])
        return db.lastInsertedRow
    }

    /// Records an answer durably (it is on disk when this returns).
    @discardableResult
    public func add(answer: Answer, to queryID: Int64, annotator: String, responseTime: Double, at time: Date = Date()) throws -> Int64 {
        guard responseTime.isFinite, responseTime >= 0 else {
            throw LabelStoreError.sqlite(path, statement: "answer", reason: "response time \(responseTime) must be a finite number of seconds")
        }
        guard try db.query("SELECT 1 FROM queries WHERE id = ?", [.integer(queryID)]).count == 1 else {
            throw LabelStoreError.unknownQuery(queryID)
        }
        try db.query("INSERT INTO answers(query_id, annotator, answer, response_time, answered_at) VALUES (?, ?, ?, ?, ?)",
                     [.integer(queryID), .text(annotator), .text(answer.rawValue), .real(responseTime), .real(time.timeIntervalSince1970)])
        return db.lastInsertedRow
    }

    /// Withdraws `annotator`'s most recent answer (kept, marked undone) and returns its query's id.
    @discardableResult
    public func undoLastAnswer(annotator: String) throws -> Int64? {
        try db.transaction {
            guard let row = try db.query("SELECT id, query_id FROM answers WHERE annotator = ? AND undone = 0 ORDER BY id DESC LIMIT 1",
                                         [.text(annotator)]).first else { return nil }
            try db.query("UPDATE answers SET undone = 1 WHERE id = ?", [row[0]])
            return row[1].integer
        }
    }

    // MARK: reading

    public func episode(_ id: Int64) throws -> EpisodeRecord {
        guard let json = try db.query("SELECT record FROM episodes WHERE id = ?", [.integer(id)]).first?.first?.text else {
            throw LabelStoreError.sqlite(path, statement: "episode \(id)", reason: "no such episode")
        }
        return try JSONDecoder().decode(EpisodeRecord.self, from: Data(json.utf8))
    }

    public func segment(_ id: Int64) throws -> SegmentReference {
        guard let row = try db.query("SELECT episode_id, start, length FROM segments WHERE id = ?", [.integer(id)]).first else {
            throw LabelStoreError.sqlite(path, statement: "segment \(id)", reason: "no such segment")
        }
        return SegmentReference(episode: row[0].integer!, start: Int(row[1].integer!), length: Int(row[2].integer!))
    }

    private static let querySelect = """
        SELECT q.id, q.kind, q.round, q.created_at, a.episode_id, a.start, a.length, b.episode_id, b.start, b.length,
               r.episode_id, r.start, r.length
        FROM queries q JOIN segments a ON a.id = q.first_segment JOIN segments b ON b.id = q.second_segment
        LEFT JOIN segments r ON r.id = q.reference_segment
        """

    private func decodeQuery(_ row: [SQLiteDatabase.Value]) -> StoredQuery {
        let reference = row[10].integer.map { SegmentReference(episode: $0, start: Int(row[11].integer!), length: Int(row[12].integer!)) }
        return StoredQuery(
            id: row[0].integer!, kind: QueryKind(rawValue: row[1].text!) ?? .pair,
            first: SegmentReference(episode: row[4].integer!, start: Int(row[5].integer!), length: Int(row[6].integer!)),
            second: SegmentReference(episode: row[7].integer!, start: Int(row[8].integer!), length: Int(row[9].integer!)),
            reference: reference, round: Int(row[2].integer!), createdAt: row[3].real!)
    }

    public func queries() throws -> [StoredQuery] {
        try db.query(Self.querySelect + " ORDER BY q.id").map(decodeQuery)
    }

    /// Queries without a (standing) answer from `annotator`, or from anyone when nil, oldest first.
    public func pendingQueries(annotator: String? = nil, kind: QueryKind? = nil) throws -> [StoredQuery] {
        var sql = Self.querySelect + " WHERE NOT EXISTS (SELECT 1 FROM answers x WHERE x.query_id = q.id AND x.undone = 0"
        var parameters: [SQLiteDatabase.Value] = []
        if let annotator {
            sql += " AND x.annotator = ?"
            parameters.append(.text(annotator))
        }
        sql += ")"
        if let kind {
            sql += " AND q.kind = ?"
            parameters.append(.text(kind.rawValue))
        }
        return try db.query(sql + " ORDER BY q.id", parameters).map(decodeQuery)
    }

    /// Standing (not undone) answers, in the order given.
    public func answers(queryID: Int64? = nil) throws -> [StoredAnswer] {
        let sql = "SELECT query_id, annotator, answer, response_time, answered_at FROM answers WHERE undone = 0"
            + (queryID == nil ? "" : " AND query_id = ?") + " ORDER BY id"
        return try db.query(sql, queryID.map { [.integer($0)] } ?? []).map { row in
            StoredAnswer(queryID: row[0].integer!, annotator: row[1].text!, answer: Answer(rawValue: row[2].text!) ?? .skip,
                         responseTime: row[3].real!, answeredAt: row[4].real!)
        }
    }

    public var counts: (episodes: Int, queries: Int, answers: Int) {
        get throws {
            func count(_ table: String, _ condition: String = "") throws -> Int {
                Int(try db.query("SELECT COUNT(*) FROM \(table) \(condition)").first?.first?.integer ?? 0)
            }
            return (try count("episodes"), try count("queries"), try count("answers", "WHERE undone = 0"))
        }
    }
}

// MARK: JSON Lines

/// One line of a JSON Lines export: a query with its segments (episode records inline) and answers.
public struct ExportedQuery: Codable, Equatable {
    public struct Segment: Codable, Equatable {
        public var episode: EpisodeRecord
        public var start: Int
        public var length: Int
    }
    public struct ExportedAnswer: Codable, Equatable {
        public var annotator: String
        public var answer: Answer
        public var responseTime: Double
        public var answeredAt: Double
        enum CodingKeys: String, CodingKey {
            case annotator, answer
            case responseTime = "response_time"
            case answeredAt = "answered_at"
        }
    }
    public var id: Int64
    public var kind: QueryKind
    public var round: Int
    public var createdAt: Double
    public var task: String
    public var first: Segment
    public var second: Segment
    public var reference: Segment?
    public var answers: [ExportedAnswer]

    enum CodingKeys: String, CodingKey {
        case id, kind, round, task, first, second, reference, answers
        case createdAt = "created_at"
    }
}

extension LabelStore {
    /// Writes every query with its answers as JSON Lines (one object per line, keys sorted), atomically.
    /// Returns the number of queries written.
    @discardableResult
    public func export(to url: URL) throws -> Int {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var episodes: [Int64: EpisodeRecord] = [:]
        func segment(_ reference: SegmentReference) throws -> ExportedQuery.Segment {
            if episodes[reference.episode] == nil { episodes[reference.episode] = try episode(reference.episode) }
            return .init(episode: episodes[reference.episode]!, start: reference.start, length: reference.length)
        }
        let allAnswers = Dictionary(grouping: try answers(), by: \.queryID)
        var data = Data()
        let all = try queries()
        for query in all {
            let line = ExportedQuery(
                id: query.id, kind: query.kind, round: query.round, createdAt: query.createdAt, task: try task ?? "",
                first: try segment(query.first), second: try segment(query.second), reference: try query.reference.map(segment),
                answers: (allAnswers[query.id] ?? []).map { .init(annotator: $0.annotator, answer: $0.answer, responseTime: $0.responseTime, answeredAt: $0.answeredAt) })
            data.append(try encoder.encode(line))
            data.append(0x0A)
        }
        try writeAtomically(data, to: url)
        return all.count
    }

    /// Adds the queries (and their episodes, segments and answers) of a JSON Lines export, in one
    /// transaction: a malformed line imports nothing. Returns the number of queries added.
    @discardableResult
    public func importQueries(from url: URL) throws -> Int {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw LabelStoreError.cannotOpen(url.path, reason: "cannot read the file")
        }
        let lines = try Self.decodeImport(text)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try dbTransaction {
            var episodeIDs: [Data: Int64] = [:]
            func segmentID(_ segment: ExportedQuery.Segment) throws -> Int64 {
                let key = try encoder.encode(segment.episode)
                let episode = try episodeIDs[key] ?? add(episode: segment.episode)
                episodeIDs[key] = episode
                return try add(segment: SegmentReference(episode: episode, start: segment.start, length: segment.length))
            }
            for line in lines {
                let query = try addQuery(kind: line.kind, first: try segmentID(line.first), second: try segmentID(line.second),
                                         reference: try line.reference.map(segmentID), round: line.round, createdAt: line.createdAt)
                for answer in line.answers {
                    try add(answer: answer.answer, to: query, annotator: answer.annotator, responseTime: answer.responseTime,
                            at: Date(timeIntervalSince1970: answer.answeredAt))
                }
            }
            return lines.count
        }
    }

    /// Decodes and checks the lines of a JSON Lines export (empty lines are skipped): each line's
    /// fields, its episode records' format, and that every segment lies within its episode, so that an
    /// import stores no query that cannot be shown or fitted.
    ///
    /// - Throws: `LabelStoreError.malformedImport` naming the line and what is wrong with it.
    public static func decodeImport(_ text: String) throws -> [ExportedQuery] {
        let decoder = JSONDecoder()
        var lines: [ExportedQuery] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let query: ExportedQuery
            do { query = try decoder.decode(ExportedQuery.self, from: Data(line.utf8)) } catch let error as DecodingError {
                throw LabelStoreError.malformedImport(line: number + 1, reason: describe(error))
            }
            for (name, segment) in [("first", query.first), ("second", query.second)] + (query.reference.map { [("reference", $0)] } ?? []) {
                guard segment.episode.format <= EpisodeRecord.formatVersion else {
                    throw LabelStoreError.malformedImport(line: number + 1, reason: "the \(name) segment's episode has format \(segment.episode.format), newer than this build reads (\(EpisodeRecord.formatVersion)); update sandbox")
                }
                do { try Rollout.checkSegment(start: segment.start, length: segment.length, of: segment.episode) } catch let error as RecordError {
                    throw LabelStoreError.malformedImport(line: number + 1, reason: "the \(name) \(error.description)")
                }
            }
            lines.append(query)
        }
        return lines
    }

    func dbTransaction<T>(_ body: () throws -> T) throws -> T { try database.transaction(body) }
}

