import Foundation
import SandboxCore

/// What makes two queries the same question, in a store or across stores: their kind and, in order,
/// each segment's episode (by its record's digest, which covers every observation and reward), start
/// and length. Ids, round, creation time and answers are not part of it. The same two segments the
/// other way round are another query (shown on the other sides), though `addRandomPairQueries` never
/// draws both.
///
/// `importQueries` adds only queries whose identity is not in the store yet, so importing an export
/// again changes nothing.
public struct QueryIdentity: Hashable, Sendable {
    /// A segment by its episode's digest, start and length.
    public struct Segment: Hashable, Sendable {
        public var digest: String
        public var start: Int
        public var length: Int

        public init(digest: String, start: Int, length: Int) {
            self.digest = digest
            self.start = start
            self.length = length
        }
    }

    public var kind: QueryKind
    public var first: Segment
    public var second: Segment
    public var reference: Segment?

    public init(kind: QueryKind, first: Segment, second: Segment, reference: Segment? = nil) {
        self.kind = kind
        self.first = first
        self.second = second
        self.reference = reference
    }

    /// The identity of an exported query.
    public init(_ query: ExportedQuery) {
        func segment(_ s: ExportedQuery.Segment) -> Segment { Segment(digest: s.episode.digest, start: s.start, length: s.length) }
        self.init(kind: query.kind, first: segment(query.first), second: segment(query.second), reference: query.reference.map(segment))
    }
}

extension LabelStore {
    /// Each stored episode's digest, by episode id.
    func episodeDigests() throws -> [Int64: String] {
        struct Digest: Decodable { var digest: String }
        let decoder = JSONDecoder()
        var digests: [Int64: String] = [:]
        for row in try database.query("SELECT id, record FROM episodes") {
            guard let id = row[0].integer, let json = row[1].text else { continue }
            digests[id] = try decoder.decode(Digest.self, from: Data(json.utf8)).digest
        }
        return digests
    }

    /// The identity of every stored query, with the query's id (the oldest, when a store made by an
    /// earlier version holds a query twice).
    public func queryIdentities() throws -> [QueryIdentity: Int64] {
        let digests = try episodeDigests()
        func segment(_ reference: SegmentReference) -> QueryIdentity.Segment {
            QueryIdentity.Segment(digest: digests[reference.episode] ?? "", start: reference.start, length: reference.length)
        }
        var identities: [QueryIdentity: Int64] = [:]
        for query in try queries() {
            let identity = QueryIdentity(kind: query.kind, first: segment(query.first), second: segment(query.second),
                                         reference: query.reference.map(segment))
            if identities[identity] == nil { identities[identity] = query.id }
        }
        return identities
    }

    /// Stores `record` unless an episode with its digest is stored already (by an earlier import or
    /// `queries make` run); returns the episode's id. `known` maps digests to ids and is kept up to date.
    func addEpisodeOnce(_ record: EpisodeRecord, known: inout [String: Int64]) throws -> Int64 {
        if let id = known[record.digest] { return id }
        let id = try add(episode: record)
        known[record.digest] = id
        return id
    }

    /// The id of a stored segment at the same place, or of a new one.
    func addSegmentOnce(_ segment: SegmentReference) throws -> Int64 {
        if let id = try database.query("SELECT id FROM segments WHERE episode_id = ? AND start = ? AND length = ? ORDER BY id LIMIT 1",
                                       [.integer(segment.episode), .integer(Int64(segment.start)), .integer(Int64(segment.length))]).first?.first?.integer {
            return id
        }
        return try add(segment: segment)
    }

    /// Stored episode ids by digest (the oldest of equal episodes).
    func episodeIDsByDigest() throws -> [String: Int64] {
        var ids: [String: Int64] = [:]
        for (id, digest) in try episodeDigests().sorted(by: { $0.key < $1.key }) where ids[digest] == nil { ids[digest] = id }
        return ids
    }
}
