import Foundation
import SandboxCore

extension LabelStore {
    /// Stores each (reference, first, second) episode triple as a triplet query over whole episodes
    /// and returns the query ids, in one transaction.
    public func addTripletQueries(_ triples: [(reference: EpisodeRecord, first: EpisodeRecord, second: EpisodeRecord)], round: Int = 0) throws -> [Int64] {
        try dbTransaction {
            try triples.map { t in
                func segment(_ record: EpisodeRecord) throws -> Int64 {
                    try add(segment: SegmentReference(episode: try add(episode: record), start: 0, length: record.length))
                }
                let reference = try segment(t.reference), first = try segment(t.first), second = try segment(t.second)
                return try addQuery(kind: .triplet, first: first, second: second, reference: reference, round: round)
            }
        }
    }

    /// Waits until every query in `ids` has a standing answer (from any annotator; the latest counts),
    /// polling every `interval` seconds, and returns the answers in the order of `ids`.
    /// `report` is called with the number answered whenever it changes; `shouldStop` ends the wait early
    /// with `LabelStoreError.waitInterrupted`.
    public func waitForAnswers(to ids: [Int64], interval: Double = 1, report: (Int) -> Void = { _ in },
                               shouldStop: () -> Bool = { false }) throws -> [Answer] {
        let wanted = Set(ids)
        var reported = -1
        while true {
            var latest: [Int64: Answer] = [:]
            for answer in try answers() where wanted.contains(answer.queryID) { latest[answer.queryID] = answer.answer }
            if latest.count != reported {
                reported = latest.count
                report(latest.count)
            }
            if latest.count == wanted.count { return ids.map { latest[$0]! } }
            if shouldStop() { throw LabelStoreError.waitInterrupted(answered: latest.count, of: wanted.count) }
            Thread.sleep(forTimeInterval: interval)
        }
    }
}
