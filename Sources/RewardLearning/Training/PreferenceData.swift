import Foundation
import PhysicsEnvs

/// A segment's data for learning: per-step reward-model inputs (observation, then action) and the
/// task's true per-step rewards (for simulated teachers and diagnostics).
public struct Segment: Sendable {
    /// Observations before each step.
    public var observations: [[Float]]
    public var actions: [[Float]]
    public var trueRewards: [Double]
    /// Where it came from, when stored.
    public var reference: SegmentReference?

    public init(observations: [[Float]], actions: [[Float]], trueRewards: [Double], reference: SegmentReference? = nil) {
        precondition(observations.count == actions.count && actions.count == trueRewards.count, "segment arrays differ in length")
        self.observations = observations
        self.actions = actions
        self.trueRewards = trueRewards
        self.reference = reference
    }

    public var length: Int { actions.count }
    public var trueReturn: Double { trueRewards.reduce(0, +) }

    /// Cuts `[start, start + length)` from a replayed episode.
    public static func cut(_ episode: Episode, start: Int, length: Int, reference: SegmentReference? = nil) -> Segment {
        let actions = Array(episode.record.actions[start..<(start + length)])
        let observations = Array(episode.observations[start..<(start + length)])
        let rewards = episode.termTrace[start..<(start + length)].map { $0.reduce(0, +) }
        return Segment(observations: observations, actions: actions, trueRewards: rewards, reference: reference)
    }
}

/// A labelled pair: the probability that the first segment is preferred (1, 0, or 0.5 for equal).
public struct PreferencePair: Sendable {
    public var first: Segment
    public var second: Segment
    public var firstPreferred: Float

    public init(first: Segment, second: Segment, firstPreferred: Float) {
        self.first = first
        self.second = second
        self.firstPreferred = firstPreferred
    }

    /// A pair from an answer; skips carry no label (nil).
    public init?(first: Segment, second: Segment, answer: Answer) {
        switch answer {
        case .first: self.init(first: first, second: second, firstPreferred: 1)
        case .second: self.init(first: first, second: second, firstPreferred: 0)
        case .equal: self.init(first: first, second: second, firstPreferred: 0.5)
        case .skip: return nil
        }
    }
}

extension LabelStore {
    /// Replays the stored episodes and returns every answered pair query as labelled segment pairs
    /// (skips and undone answers left out; with several annotators, each answer counts).
    public func labelledPairs() throws -> [PreferencePair] {
        var episodes: [Int64: Episode] = [:]
        func segment(_ reference: SegmentReference) throws -> Segment {
            if episodes[reference.episode] == nil {
                let record = try episode(reference.episode)
                episodes[reference.episode] = try Rollout.replay(record, keepObservations: true).episode
            }
            let episode = episodes[reference.episode]!
            guard reference.start >= 0, reference.start + reference.length <= episode.record.length else {
                throw LabelStoreError.sqlite(path, statement: "segment", reason: "segment \(reference.start)+\(reference.length) lies outside its episode of \(episode.record.length) steps")
            }
            return Segment.cut(episode, start: reference.start, length: reference.length, reference: reference)
        }
        let byID = Dictionary(uniqueKeysWithValues: try queries().map { ($0.id, $0) })
        var pairs: [PreferencePair] = []
        for answer in try answers() {
            guard let query = byID[answer.queryID], query.kind == .pair else { continue }
            if let pair = PreferencePair(first: try segment(query.first), second: try segment(query.second), answer: answer.answer) {
                pairs.append(pair)
            }
        }
        return pairs
    }
}
