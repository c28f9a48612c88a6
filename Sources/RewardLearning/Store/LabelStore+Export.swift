import Foundation
import SandboxCore

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
    /// Writes every query with its standing answers (one per annotator) as JSON Lines (one object per
    /// line, keys sorted), atomically. Returns the number of queries written.
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
}
