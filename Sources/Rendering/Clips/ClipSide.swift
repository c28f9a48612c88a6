import SandboxCore

/// One side of a side-by-side clip (a pair or triplet query): its frames, its label, and what it says
/// about its episode: the return so far and, once the episode has ended, how it ended.
public struct ClipSide: Sendable {
    public var frames: [Frame]
    /// Drawn above the frames, e.g. "A".
    public var label: String
    /// The segment's return after each frame (0 at the first; `SegmentClip.cumulativeReturns`), in the
    /// task's reward units; nil shows no return. Frames past its end show its last value.
    public var returns: [Double]?
    /// The index of the frame on which the episode ended; from there on the side is dimmed and tagged
    /// "ended: <outcome>" instead of silently freezing. Nil: the episode goes on past the clip.
    public var endFrame: Int?
    /// How the episode ended (shown from `endFrame` on).
    public var outcome: EpisodeOutcome

    public init(frames: [Frame], label: String, returns: [Double]? = nil, endFrame: Int? = nil, outcome: EpisodeOutcome = .running) {
        self.frames = frames
        self.label = label
        self.returns = returns
        self.endFrame = endFrame
        self.outcome = outcome
    }

    /// A replayed segment as a side: its return so far, and its end where the episode ends inside it.
    public init(_ segment: SegmentClip, label: String, showsReturn: Bool = true) {
        let ended = segment.outcome.hasEnded
        self.init(frames: segment.frames, label: label, returns: showsReturn ? segment.cumulativeReturns : nil,
                  endFrame: segment.endFrame ?? (ended ? segment.frames.count - 1 : nil), outcome: segment.outcome)
    }

    /// The line under the side at frame `index`: "return 12.3", or nil when no return is shown.
    public func returnText(at index: Int) -> String? {
        guard let returns, !returns.isEmpty else { return nil }
        return String(format: "return %.1f", returns[Swift.min(index, returns.count - 1)])
    }

    /// The tag on the side at frame `index`: "ended: landed" from the end frame on, else nil.
    public func endText(at index: Int) -> String? {
        guard let endFrame, index >= endFrame, outcome.hasEnded else { return nil }
        return "ended: \(outcome)"
    }
}
