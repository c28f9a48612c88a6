import Foundation
import SandboxCore

/// Per-annotator statistics of a label store: how much each person answered, how often they skipped or
/// called it equal, how well they agree with each other and with the task's true reward, and how long
/// they took.
public struct AnnotatorStatistics: Codable, Equatable, Sendable {
    public var annotator: String
    public var answers: Int
    public var skipRate: Double
    public var equalRate: Double
    /// Fraction of queries this annotator shares with others (both gave a preference, not skip) on which
    /// they gave the same answer; nil without shared queries.
    public var agreementWithOthers: Double?
    public var sharedQueries: Int
    /// Fraction of this annotator's preferences (pair queries, not skip or equal) that match the
    /// oracle teacher, which prefers the segment with the larger true return; nil without such answers.
    /// Returns are counted as `sandbox queries answer --teacher oracle` counts them under the same
    /// endings: by default (`.zero`, the task's own convention, as `fit-reward` and `pbrl` default to) a
    /// segment that runs past its terminated episode's end counts its steps up to the end and nothing
    /// after (`Segment.trueReturn`); under `.learned` and `.off` each step past the end holds the
    /// episode's last reward (`Segment.paddedTrueRewards`), as `Endings.teacherRewards` says.
    public var agreementWithOracle: Double?
    /// Median seconds from showing a query to its answer.
    public var medianResponseTime: Double

    enum CodingKeys: String, CodingKey {
        case annotator, answers
        case skipRate = "skip_rate"
        case equalRate = "equal_rate"
        case agreementWithOthers = "agreement_with_others"
        case sharedQueries = "shared_queries"
        case agreementWithOracle = "agreement_with_oracle"
        case medianResponseTime = "median_response_time"
    }
}

extension LabelStore {
    /// Statistics for every annotator with a standing answer (one per query: a revision counts once), in
    /// order of first answer. Oracle agreement replays the answered pair segments to read their true
    /// returns, counting the steps past a terminated episode's end as `endings` says (see
    /// `agreementWithOracle`); a segment that does not lie in its episode is `LabelStoreError.segmentOutside`.
    public func statistics(in tasks: TaskRegistry, includeOracle: Bool = true, endings: Endings = .zero) throws -> [AnnotatorStatistics] {
        let all = try answers()
        let queriesByID = Dictionary(uniqueKeysWithValues: try queries().map { ($0.id, $0) })
        var order: [String] = []
        for answer in all where !order.contains(answer.annotator) { order.append(answer.annotator) }
        // The latest standing answer of each annotator per query.
        var latest: [String: [Int64: Answer]] = [:]
        for answer in all { latest[answer.annotator, default: [:]][answer.queryID] = answer.answer }

        // episode → its per-step reward terms and whether it terminated
        var traces: [Int64: (terms: [[Double]], terminated: Bool)] = [:]
        func segmentReturn(_ reference: SegmentReference, of queryID: Int64) throws -> Double {
            if traces[reference.episode] == nil {
                let episode = try Rollout.replay(try episode(reference.episode), in: tasks).episode
                traces[reference.episode] = (episode.termTrace, episode.record.terminated)
            }
            let trace = traces[reference.episode]!
            guard let terms = reference.terms(in: trace.terms, terminated: trace.terminated, holdingLastStep: !endings.pinsOffset) else {
                throw LabelStoreError.segmentOutside(query: queryID, segment: reference, episodeLength: trace.terms.count)
            }
            return terms.reduce(0) { $0 + $1.reduce(0, +) }
        }

        return try order.map { annotator in
            let mine = all.filter { $0.annotator == annotator }
            let n = Double(mine.count)
            var shared = 0, agreed = 0
            for (queryID, answer) in latest[annotator]! where answer != .skip {
                for other in order where other != annotator {
                    guard let theirs = latest[other]?[queryID], theirs != .skip else { continue }
                    shared += 1
                    if theirs == answer { agreed += 1 }
                }
            }
            var oracleTotal = 0, oracleAgreed = 0
            if includeOracle {
                for (queryID, answer) in latest[annotator]! where answer == .first || answer == .second {
                    guard let query = queriesByID[queryID], query.kind == .pair else { continue }
                    let a = try segmentReturn(query.first, of: queryID), b = try segmentReturn(query.second, of: queryID)
                    guard a != b else { continue }
                    oracleTotal += 1
                    if (a > b) == (answer == .first) { oracleAgreed += 1 }
                }
            }
            let times = mine.map(\.responseTime).sorted()
            let median = times.isEmpty ? 0 : (times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2)
            return AnnotatorStatistics(
                annotator: annotator, answers: mine.count,
                skipRate: Double(mine.filter { $0.answer == .skip }.count) / n,
                equalRate: Double(mine.filter { $0.answer == .equal }.count) / n,
                agreementWithOthers: shared > 0 ? Double(agreed) / Double(shared) : nil, sharedQueries: shared,
                agreementWithOracle: oracleTotal > 0 ? Double(oracleAgreed) / Double(oracleTotal) : nil,
                medianResponseTime: median)
        }
    }
}
