import Foundation
import SandboxCore

/// A segment's data for learning: per-step reward-model inputs (observation, then action) and the
/// task's true per-step rewards (for simulated teachers and diagnostics).
///
/// A segment that runs past the end of a terminated episode is padded with absorbing steps: the
/// episode has ended and its final state is held, as its clip holds the last frame. The reward model
/// gives each such step the reward of the final observation (with a zero action), in the spirit of
/// Kostrikov et al. 2019 ("Discriminator-Actor-Critic"); simulated teachers count the episode's last
/// reward (its outcome: a landing, a crash) on each of them, as Christiano et al. 2017 replaced
/// terminations with fixed-length episodes. Comparing segments that end early with segments that go on
/// is then what tells the model whether an ending is better than going on.
public struct Segment: Sendable {
    /// Observations before each real step.
    public var observations: [[Float]]
    public var actions: [[Float]]
    /// True rewards of the real steps.
    public var trueRewards: [Double]
    /// Steps after the episode terminated, counted in the segment's length.
    public var absorbingSteps: Int
    /// The observation a terminated episode ended in (after the last real step), when the segment
    /// reaches the termination (always when it has absorbing steps).
    public var finalObservation: [Float]?
    /// Where it came from, when stored.
    public var reference: SegmentReference?

    public init(observations: [[Float]], actions: [[Float]], trueRewards: [Double], absorbingSteps: Int = 0,
                finalObservation: [Float]? = nil, reference: SegmentReference? = nil) {
        precondition(observations.count == actions.count && actions.count == trueRewards.count, "segment arrays differ in length")
        precondition(absorbingSteps >= 0, "absorbing steps cannot be negative")
        precondition(absorbingSteps == 0 || (finalObservation != nil && !trueRewards.isEmpty), "absorbing steps need the final observation and a real step")
        self.finalObservation = finalObservation
        self.observations = observations
        self.actions = actions
        self.trueRewards = trueRewards
        self.absorbingSteps = absorbingSteps
        self.reference = reference
    }

    /// Steps in the segment, absorbing ones included (what a query compares).
    public var length: Int { actions.count + absorbingSteps }
    /// Steps the episode really took inside the segment.
    public var realSteps: Int { actions.count }
    /// The true return of the real steps (the task's own measure).
    public var trueReturn: Double { trueRewards.reduce(0, +) }
    /// True rewards over the whole length, the episode's last reward held on absorbing steps (what a
    /// simulated teacher judges).
    public var paddedTrueRewards: [Double] { trueRewards + [Double](repeating: trueRewards.last ?? 0, count: absorbingSteps) }

    /// Cuts `[start, start + length)` from a replayed episode. Steps past the end of a terminated
    /// episode become absorbing steps; a truncated episode cannot be cut past its end. A segment that
    /// reaches a termination keeps the final observation.
    public static func cut(_ episode: Episode, start: Int, length: Int, reference: SegmentReference? = nil) -> Segment {
        let end = Swift.min(start + length, episode.record.length)
        precondition(end == start + length || episode.record.terminated, "only a terminated episode can be cut past its end")
        let actions = Array(episode.record.actions[start..<end])
        let observations = Array(episode.observations[start..<end])
        let rewards = episode.termTrace[start..<end].map { $0.reduce(0, +) }
        let absorbing = start + length - end
        return Segment(observations: observations, actions: actions, trueRewards: rewards, absorbingSteps: absorbing,
                       finalObservation: end == episode.record.length && episode.record.terminated ? episode.observations[end] : nil,
                       reference: reference)
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
    /// (skips, undone and replaced answers left out; with several annotators, each annotator's standing
    /// answer counts once). A segment that does not lie in its episode is `LabelStoreError.segmentOutside`.
    public func labelledPairs(in tasks: TaskRegistry) throws -> [PreferencePair] {
        var episodes: [Int64: Episode] = [:]
        func segment(_ reference: SegmentReference, of queryID: Int64) throws -> Segment {
            if episodes[reference.episode] == nil {
                let record = try episode(reference.episode)
                episodes[reference.episode] = try Rollout.replay(record, in: tasks, keepObservations: true).episode
            }
            let episode = episodes[reference.episode]!
            guard reference.fits(episodeLength: episode.record.length, terminated: episode.record.terminated) else {
                throw LabelStoreError.segmentOutside(query: queryID, segment: reference, episodeLength: episode.record.length)
            }
            return Segment.cut(episode, start: reference.start, length: reference.length, reference: reference)
        }
        let byID = Dictionary(uniqueKeysWithValues: try queries().map { ($0.id, $0) })
        var pairs: [PreferencePair] = []
        for answer in try answers() {
            guard let query = byID[answer.queryID], query.kind == .pair else { continue }
            if let pair = PreferencePair(first: try segment(query.first, of: query.id), second: try segment(query.second, of: query.id),
                                         answer: answer.answer) {
                pairs.append(pair)
            }
        }
        return pairs
    }
}
