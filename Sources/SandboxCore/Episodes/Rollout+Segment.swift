import Foundation

/// A stretch of a replayed episode, as shown to people: its frames and reward terms.
public struct SegmentClip: Sendable {
    /// The frame before the segment's first step, then one after each of its steps (length + 1 frames).
    public var frames: [Frame]
    /// Reward terms per step of the segment, aligned with the task's `rewardTerms`.
    public var termTrace: [[Double]]
    public var rewardTerms: [String]
    /// For a segment that runs past its episode's termination: the index of the frame the episode
    /// ended on; later frames hold it. Nil when the episode goes on past the segment.
    public var endFrame: Int? = nil
    /// How the episode stood at the segment's last step: `.running` when it goes on past the segment,
    /// otherwise how it ended (recomputed on replay, so old records have it too).
    public var outcome: EpisodeOutcome = .running

    /// The segment's return: the sum of its reward terms over its steps.
    public var segmentReturn: Double { termTrace.reduce(0) { $0 + $1.reduce(0, +) } }

    /// The return after each frame: 0 at the first frame, then the running sum over the steps
    /// (length + 1 values, aligned with `frames`).
    public var cumulativeReturns: [Double] {
        var sum = 0.0
        return [0] + termTrace.map { sum += $0.reduce(0, +); return sum }
    }
}

extension Rollout {
    /// Longest segment accepted: a segment is a clip a person watches, and a few minutes of any task's
    /// steps are far shorter than this.
    public static let maximumSegmentLength = 100_000

    /// Checks that steps [start, start + length) are a segment of `record`: a positive length of at most
    /// `maximumSegmentLength`, starting within the episode and ending within it, or past its end only
    /// when the episode terminated (the steps after a termination are absorbing).
    public static func checkSegment(start: Int, length: Int, of record: EpisodeRecord) throws {
        // `length <= count - start` rather than `start + length <= count`: no sum of two stored numbers overflows.
        guard start >= 0, length >= 1, length <= maximumSegmentLength, start < record.actions.count,
              length <= record.actions.count - start || record.terminated else {
            throw RecordError.segmentOutOfRange(start: start, length: length, episodeLength: record.actions.count)
        }
    }

    /// Replays steps [start, start + length) of `record` and renders only those, so that a segment of a
    /// long episode costs `length + 1` frames of memory, not the whole episode's.
    ///
    /// A segment may run past the end of a terminated episode: the episode has ended there (absorbing
    /// steps), so the clip holds its last frame and those steps' reward terms are 0.
    public static func segment(of record: EpisodeRecord, in tasks: TaskRegistry, start: Int, length: Int, renderSize: RenderSize) throws -> SegmentClip {
        try checkSegment(start: start, length: length, of: record)
        let spec = try tasks.spec(for: record.task)
        guard spec.version == record.version else {
            throw RecordError.versionMismatch(path: "record", recorded: record.taskID, available: spec.id)
        }
        let environment = try tasks.make(record.taskID, options: record.options)
        environment.reset(seed: record.seed)
        var frame = Frame(uninitializedWidth: renderSize.width, height: renderSize.height)
        var frames: [Frame] = []
        var terms: [[Double]] = []
        var outcome = EpisodeOutcome.running
        frames.reserveCapacity(length + 1)
        let end = Swift.min(start + length, record.actions.count)
        for step in 0..<end {
            if step == start {
                environment.render(into: &frame)
                frames.append(frame)
            }
            let result = try environment.step(record.actions[step])
            if step >= start {
                environment.render(into: &frame)
                frames.append(frame)
                terms.append(result.terms)
            }
            if result.isDone { outcome = EpisodeOutcome(result, in: environment) }
        }
        for _ in end..<(start + length) {
            frames.append(frame)
            terms.append([Double](repeating: 0, count: spec.rewardTerms.count))
        }
        return SegmentClip(frames: frames, termTrace: terms, rewardTerms: spec.rewardTerms,
                           endFrame: end < start + length ? end - start : nil, outcome: outcome)
    }
}
