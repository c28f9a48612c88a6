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

    /// Whether it lies in an episode of `episodeLength` steps: it starts on one of the episode's steps
    /// and ends by its end, unless the episode terminated — then the steps past the end are absorbing
    /// steps (what `segmentStarts` cuts and `Segment.cut` pads).
    public func fits(episodeLength: Int, terminated: Bool) -> Bool {
        start >= 0 && length >= 1 && length <= 1_000_000 && start < episodeLength && (length <= episodeLength - start || terminated)
    }

    /// Its per-step reward terms in an episode's term trace (one row per step), absorbing steps
    /// included: each holds the episode's last step's terms, or zeros when `holdingLastStep` is false —
    /// as simulated teachers count them (`Endings.teacherRewards`). Nil when it does not `fit`.
    public func terms(in trace: [[Double]], terminated: Bool, holdingLastStep: Bool = true) -> [[Double]]? {
        guard fits(episodeLength: trace.count, terminated: terminated) else { return nil }
        let end = Swift.min(start + length, trace.count)
        let held = holdingLastStep ? trace[end - 1] : trace[end - 1].map { _ in 0.0 }
        return Array(trace[start..<end]) + Array(repeating: held, count: start + length - end)
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

/// A crash-safe store of episodes, segments, queries and answers: one SQLite file in WAL mode with
/// full synchronisation, so every answer is on disk when `add(answer:)` returns and a crash or Ctrl-C
/// loses nothing committed. Several processes may share a store (a trainer writing queries, windows
/// answering them).
///
/// A store is marked in its SQLite header (`PRAGMA application_id`, "SBLS") and versioned by
/// `PRAGMA user_version`. Opening refuses any other file rather than adding tables to it: a file that
/// is not SQLite, an SQLite database of another application or with other tables, and (through
/// `init(existingAt:)`) a missing or empty file. Stores made before the mark (format 1, with the
/// tables but no mark) still open, and are marked and brought to the current format.
///
/// Each annotator has at most one standing answer per query: answering again revises the answer (the
/// old one is kept, marked replaced), so statistics, training data and exports count it once.
public final class LabelStore {
    /// Format 2: the application id, one standing answer per annotator and query, segments indexed by place.
    public static let formatVersion = 2
    /// "SBLS" in the SQLite header: what tells a label store from other SQLite files.
    public static let applicationID: Int32 = 0x5342_4C53
    /// The tables every label store has (what a store made before the application id is known by).
    static let tables: Set<String> = ["meta", "episodes", "segments", "queries", "answers"]

    public let path: String
    private let db: SQLiteDatabase
    var database: SQLiteDatabase { db }

    /// Runs `body` in one transaction of the store's database (joining an outer one).
    func dbTransaction<T>(_ body: () throws -> T) throws -> T { try db.transaction(body) }

    /// Opens the label store at `path`, making a new one when the file is missing or empty: for
    /// commands that write queries (`queries make`, `queries import`, `pbrl`, `qdhf`).
    public convenience init(path: String) throws {
        try self.init(path: path, creating: true)
    }

    /// Opens the existing label store at `path`, for commands that only read or answer queries: a
    /// missing file is `LabelStoreError.missing` (nothing is created), an empty one `.notAStore`.
    public convenience init(existingAt path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw LabelStoreError.missing(path) }
        guard !isDirectory.boolValue else { throw LabelStoreError.notAStore(path, reason: "it is a folder") }
        try self.init(path: path, creating: false)
    }

    private init(path: String, creating: Bool) throws {
        self.path = path
        db = try SQLiteDatabase(path: path, creating: creating)
        // Look before writing anything: setting WAL mode or adding tables would change another file.
        let contents = try Self.inspect(db, path: path)
        if contents == .empty && !creating { throw LabelStoreError.notAStore(path, reason: "it is empty") }
        try db.execute("PRAGMA journal_mode=WAL")
        try db.execute("PRAGMA synchronous=FULL")
        try db.execute("PRAGMA foreign_keys=ON")
        if contents != .current { try upgrade() }
    }

    /// What an opened SQLite file holds, read without writing.
    private enum Contents { case empty, older, current }

    private static func inspect(_ db: SQLiteDatabase, path: String) throws -> Contents {
        // The first read also detects files that are not SQLite databases (`damaged`).
        let application = Int32(truncatingIfNeeded: try db.query("PRAGMA application_id").first?.first?.integer ?? 0)
        let version = Int(try db.query("PRAGMA user_version").first?.first?.integer ?? 0)
        let tables = Set(try db.query("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap { $0.first?.text })
        if application == applicationID || (application == 0 && version >= 1 && Self.tables.isSubset(of: tables)) {
            guard version <= formatVersion else { throw LabelStoreError.newerFormat(path, found: version, supported: formatVersion) }
            return application == applicationID && version == formatVersion ? .current : .older
        }
        guard application == 0 else {
            throw LabelStoreError.notAStore(path, reason: String(format: "an SQLite database of another program (application id 0x%08X)", UInt32(bitPattern: application)))
        }
        guard tables.isEmpty && version == 0 else {
            let names = tables.sorted()
            let listed = names.prefix(4).joined(separator: ", ") + (names.count > 4 ? ", …" : "")
            throw LabelStoreError.notAStore(path, reason: names.isEmpty ? "an SQLite database of format \(version)" : "an SQLite database with tables \(listed)")
        }
        return .empty
    }

    /// Makes the tables of a new store, or brings an older one to the current format, in one transaction
    /// (which another process opening the same file at once waits for, then finds nothing to do).
    private func upgrade() throws {
        try db.transaction {
            let version = Int(try db.query("PRAGMA user_version").first?.first?.integer ?? 0)
            if version == 0 {
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
                -- undone: 0 standing, 1 withdrawn (undo), 2 replaced by the same annotator's later answer.
                CREATE TABLE IF NOT EXISTS answers(
                    id INTEGER PRIMARY KEY, query_id INTEGER NOT NULL REFERENCES queries(id), annotator TEXT NOT NULL,
                    answer TEXT NOT NULL CHECK(answer IN ('first', 'second', 'equal', 'skip')),
                    response_time REAL NOT NULL, answered_at REAL NOT NULL, undone INTEGER NOT NULL DEFAULT 0);
                CREATE INDEX IF NOT EXISTS answers_by_query ON answers(query_id);
                """)
            }
            if version < 2 {
                // Format 1 let an annotator answer a query twice; the later answer is the one that stands.
                try db.execute("""
                UPDATE answers SET undone = 2 WHERE undone = 0 AND EXISTS (
                    SELECT 1 FROM answers later WHERE later.query_id = answers.query_id AND later.annotator = answers.annotator
                    AND later.undone = 0 AND later.id > answers.id);
                CREATE UNIQUE INDEX IF NOT EXISTS one_standing_answer ON answers(query_id, annotator) WHERE undone = 0;
                CREATE INDEX IF NOT EXISTS segments_by_place ON segments(episode_id, start, length);
                """)
            }
            try db.execute("PRAGMA application_id = \(Self.applicationID); PRAGMA user_version = \(Self.formatVersion)")
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

    /// Records `annotator`'s answer durably (it is on disk when this returns). A standing answer of theirs
    /// to the same query is revised: replaced by this one (kept in the file, marked replaced), so the
    /// query counts once.
    @discardableResult
    public func add(answer: Answer, to queryID: Int64, annotator: String, responseTime: Double, at time: Date = Date()) throws -> Int64 {
        try record(answer, to: queryID, annotator: annotator, responseTime: responseTime, at: time, revising: true)!
    }

    /// Records `annotator`'s answer durably unless they already have a standing answer to the query
    /// (given by another process meanwhile, say); returns nil then and changes nothing.
    @discardableResult
    public func addUnlessAnswered(_ answer: Answer, to queryID: Int64, annotator: String, responseTime: Double,
                                  at time: Date = Date()) throws -> Int64? {
        try record(answer, to: queryID, annotator: annotator, responseTime: responseTime, at: time, revising: false)
    }

    private func record(_ answer: Answer, to queryID: Int64, annotator: String, responseTime: Double, at time: Date,
                        revising: Bool) throws -> Int64? {
        guard responseTime.isFinite, responseTime >= 0 else { throw LabelStoreError.badResponseTime(responseTime) }
        return try db.transaction {
            guard try db.query("SELECT 1 FROM queries WHERE id = ?", [.integer(queryID)]).count == 1 else {
                throw LabelStoreError.unknownQuery(queryID)
            }
            let standing: [SQLiteDatabase.Value] = [.integer(queryID), .text(annotator)]
            if revising {
                try db.query("UPDATE answers SET undone = 2 WHERE query_id = ? AND annotator = ? AND undone = 0", standing)
            } else if try !db.query("SELECT 1 FROM answers WHERE query_id = ? AND annotator = ? AND undone = 0", standing).isEmpty {
                return nil
            }
            try db.query("INSERT INTO answers(query_id, annotator, answer, response_time, answered_at) VALUES (?, ?, ?, ?, ?)",
                         [.integer(queryID), .text(annotator), .text(answer.rawValue), .real(responseTime), .real(time.timeIntervalSince1970)])
            return db.lastInsertedRow
        }
    }

    /// Withdraws `annotator`'s most recent standing answer (kept, marked undone) and returns its query's
    /// id; the query is then pending for them again (an answer it had revised stays replaced).
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

    /// Standing answers (neither undone nor replaced by a revision; one per annotator and query), in the
    /// order given.
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
