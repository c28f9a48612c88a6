import Foundation
import SandboxCore

/// A JSON Lines export, read and checked line by line before anything is written: each line decodes
/// as an `ExportedQuery`, its kind and reference agree, its segments lie in their episodes (as
/// `fit-reward` and the teachers need), its episodes are of its task and every line is of one task,
/// its answers have finite times, and (given a task registry) its task is one this build has. A problem is `LabelStoreError.badImportLine` (`FILE:LINE:
/// problem`, a bad field named by its path); blank lines are allowed and counted.
public struct QueryImport {
    /// The file's path, as given.
    public let file: String
    /// The queries by line number (from 1).
    public let lines: [(number: Int, query: ExportedQuery)]
    /// The task of every line; nil for a file without queries.
    public var task: String? { lines.first?.query.task }

    public static func read(from url: URL, tasks: TaskRegistry? = nil) throws -> QueryImport {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw LabelStoreError.cannotOpen(url.path, reason: "cannot read the file: \(describeFileError(error))")
        }
        return try QueryImport(file: url.path, data: data, tasks: tasks)
    }

    /// Checks the JSON Lines in `data`, read from `file`; with `tasks`, each line's task must be one of them.
    public init(file: String, data: Data, tasks: TaskRegistry? = nil) throws {
        self.file = file
        func problem(_ line: Int, _ text: String) -> LabelStoreError { .badImportLine(file: file, line: line, problem: text) }
        if data.starts(with: Data("SQLite format 3\0".utf8)) {
            throw problem(1, "an SQLite database, not JSON Lines; the store goes after --store: `sandbox queries import --store STORE.db FILE.jsonl`")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw problem(1, "not UTF-8 text") }
        let decoder = JSONDecoder()
        var lines: [(Int, ExportedQuery)] = []
        // Split on the scalar "\n" (a Character split would keep "\r\n" lines whole).
        for (index, scalars) in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(String.UnicodeScalarView(scalars)).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !line.isEmpty else { continue }
            let number = index + 1
            let query: ExportedQuery
            do { query = try decoder.decode(ExportedQuery.self, from: Data(line.utf8)) } catch let error as DecodingError {
                throw problem(number, describe(error))
            }
            if let issue = Self.check(query) { throw problem(number, issue) }
            do { _ = try tasks?.spec(for: query.task) } catch { throw problem(number, "task: \(error)") }
            if let first = lines.first?.1, first.task != query.task {
                throw problem(number, "task \(query.task), but line \(lines[0].0) is \(first.task); a label store holds one task")
            }
            lines.append((number, query))
        }
        self.lines = lines
    }

    /// What is wrong with a decoded line, naming the field; nil when nothing is.
    static func check(_ query: ExportedQuery) -> String? {
        switch (query.kind, query.reference) {
        case (.pair, .some): return "reference: a pair query has no reference segment"
        case (.triplet, .none): return "reference: a triplet query needs a reference segment"
        default: break
        }
        var segments = [("first", query.first), ("second", query.second)]
        if let reference = query.reference { segments.append(("reference", reference)) }
        for (name, segment) in segments {
            let episode = segment.episode
            guard episode.format <= EpisodeRecord.formatVersion else {
                return "\(name).episode.format: \(episode.format), but this build reads up to \(EpisodeRecord.formatVersion); update sandbox"
            }
            guard episode.taskID == query.task else {
                return "\(name).episode: a \(episode.taskID) episode in a \(query.task) query"
            }
            guard episode.length == episode.actions.count else {
                return "\(name).episode.length: \(episode.length), but the episode has \(episode.actions.count) actions"
            }
            let place = SegmentReference(episode: 0, start: segment.start, length: segment.length)
            guard place.fits(episodeLength: episode.length, terminated: episode.terminated) else {
                return "\(name): segment of \(segment.length) steps from step \(segment.start) lies outside its episode of \(episode.length) steps"
                    + (episode.terminated ? "" : " (only a terminated episode's segments may run past its end)")
            }
        }
        for (index, answer) in query.answers.enumerated() {
            guard !answer.annotator.isEmpty else { return "answers[\(index)].annotator: empty" }
            guard answer.responseTime.isFinite, answer.responseTime >= 0 else {
                return "answers[\(index)].response_time: \(answer.responseTime), but it must be a finite number of seconds, at least 0"
            }
            guard answer.answeredAt.isFinite else { return "answers[\(index)].answered_at: must be a finite Unix time" }
        }
        return nil
    }
}

extension LabelStore {
    /// What `importQueries` did.
    public struct ImportSummary: Equatable, Sendable {
        /// Queries added (with their episodes and segments, reusing those already stored).
        public var newQueries: Int
        /// Lines whose query the store already held (see `QueryIdentity`), or that an earlier line of the
        /// file added.
        public var existingQueries: Int
        /// Answers added to new queries.
        public var answersToNewQueries: Int
        /// Answers added to queries the store already held: an annotator's answer the store does not
        /// have, or a later revision of one it has.
        public var answersToExistingQueries: Int
    }

    /// Adds the queries of a checked JSON Lines export, in one transaction: all or nothing. A query the
    /// store already holds (`QueryIdentity`) is not added again; its answers are merged — an answer the
    /// store has (same annotator, answer and time, standing or not) is not added again, an annotator's
    /// later answer revises theirs, an earlier one is left out. Importing an export twice therefore
    /// changes nothing the second time.
    @discardableResult
    public func importQueries(_ batch: QueryImport) throws -> ImportSummary {
        try dbTransaction {
            if let stored = try task, let given = batch.task, stored != given {
                throw LabelStoreError.taskMismatch(store: stored, given: given)
            }
            var episodeIDs = try episodeIDsByDigest()
            var identities = try queryIdentities()
            var summary = ImportSummary(newQueries: 0, existingQueries: 0, answersToNewQueries: 0, answersToExistingQueries: 0)
            for (_, line) in batch.lines {
                let identity = QueryIdentity(line)
                if let existing = identities[identity] {
                    summary.existingQueries += 1
                    summary.answersToExistingQueries += try merge(line.answers, into: existing)
                    continue
                }
                func segmentID(_ segment: ExportedQuery.Segment) throws -> Int64 {
                    let episode = try addEpisodeOnce(segment.episode, known: &episodeIDs)
                    return try addSegmentOnce(SegmentReference(episode: episode, start: segment.start, length: segment.length))
                }
                let query = try addQuery(kind: line.kind, first: try segmentID(line.first), second: try segmentID(line.second),
                                         reference: try line.reference.map(segmentID), round: line.round, createdAt: line.createdAt)
                identities[identity] = query
                summary.newQueries += 1
                summary.answersToNewQueries += try merge(line.answers, into: query)
            }
            return summary
        }
    }

    /// Reads, checks and imports a JSON Lines export (see `QueryImport` and `importQueries(_:)`).
    @discardableResult
    public func importQueries(from url: URL) throws -> ImportSummary {
        try importQueries(try QueryImport.read(from: url))
    }

    /// Adds the answers the query lacks (see `importQueries`); returns how many.
    private func merge(_ answers: [ExportedQuery.ExportedAnswer], into queryID: Int64) throws -> Int {
        var added = 0
        for answer in answers {
            let rows = try database.query("SELECT answer, answered_at, undone FROM answers WHERE query_id = ? AND annotator = ?",
                                          [.integer(queryID), .text(answer.annotator)])
            let known = rows.contains { $0[0].text == answer.answer.rawValue && $0[1].real == answer.answeredAt }
            let standing = rows.first { $0[2].integer == 0 }?[1].real
            if known || (standing.map { $0 >= answer.answeredAt } ?? false) { continue }
            try add(answer: answer.answer, to: queryID, annotator: answer.annotator, responseTime: answer.responseTime,
                    at: Date(timeIntervalSince1970: answer.answeredAt))
            added += 1
        }
        return added
    }
}
