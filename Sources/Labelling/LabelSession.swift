import Foundation
import SandboxCore
import Rendering
import RewardLearning

/// What a person can do in the labelling window (or at the terminal).
public enum LabelAction: Equatable, Sendable {
    /// Answers the query shown: left / more like the reference (`first`), right (`second`), equal, skip.
    case answer(Answer)
    /// Withdraws this annotator's last answer and shows its query again.
    case undo
    case quit
    case togglePause
    /// Pauses and moves one frame (+1 or −1).
    case stepFrames(Int)
    /// Moves by a number of frames, wrapping around (scrubbing with keys).
    case jumpFrames(Int)
    /// Moves to a fraction (0...1) of the clip (scrubbing with the mouse).
    case seek(Double)
    /// Halves or doubles the playback speed (0.25× to 4×).
    case slower
    case faster
    /// Shows or hides each clip's reward-term traces.
    case toggleTraces
}

/// The state of a labelling session: which query is shown, playback, and the store it answers into.
///
/// Every answer is committed to the store before the next query is loaded, so closing the window (or a
/// crash) loses nothing; a new session continues with the queries this annotator has not answered.
/// Queries written by a running trainer appear as `refresh()` finds them.
public final class LabelSession {
    public let store: LabelStore
    public let annotator: String
    /// Only queries of this kind are shown (nil: every kind).
    public let kind: QueryKind?
    public let loader: ClipLoader
    public private(set) var current: QueryClips?
    public private(set) var pendingCount = 0
    public private(set) var answeredCount = 0
    public private(set) var task: String?
    /// Fractional frame index into the current clips.
    public private(set) var position = 0.0
    public private(set) var isPaused = false
    /// Playback speed relative to the task's frame rate.
    public private(set) var speed = 1.0
    public private(set) var showsTraces = false
    public private(set) var hasQuit = false
    /// The last thing that happened, for the status line ("saved: left better for query 12").
    public private(set) var message = ""
    private var shownAt = Date()
    private var framesPerSecond = 50.0

    public init(store: LabelStore, tasks: TaskRegistry, annotator: String, kind: QueryKind? = nil) throws {
        guard !annotator.isEmpty else { throw LabelSessionError.emptyAnnotator }
        self.store = store
        self.annotator = annotator
        self.kind = kind
        loader = ClipLoader(store: store, tasks: tasks)
        try refresh()
    }

    /// Re-reads the counts and, when no query is shown, loads the oldest pending one.
    public func refresh(now: Date = Date()) throws {
        let pending = try store.pendingQueries(annotator: annotator, kind: kind)
        pendingCount = pending.count
        answeredCount = try store.answers().filter { $0.annotator == annotator }.count
        task = try store.task
        if current == nil, let next = pending.first { try show(next, now: now) }
    }

    private func show(_ query: StoredQuery, now: Date) throws {
        current = try loader.clips(for: query)
        framesPerSecond = Double(current!.framesPerSecond)
        position = 0
        shownAt = now
    }

    /// The frame index each clip shows now (shorter clips hold their last frame).
    public var frameIndex: Int { Int(position) }

    /// Advances playback by `seconds` of wall time, looping.
    public func advance(seconds: Double) {
        guard let current, !isPaused, current.frameCount > 0 else { return }
        position += seconds * framesPerSecond * speed
        let count = Double(current.frameCount)
        if position >= count { position = position.truncatingRemainder(dividingBy: count) }
    }

    /// Applies an action; answers and undos are written to the store before this returns.
    public func perform(_ action: LabelAction, now: Date = Date()) throws {
        let count = current?.frameCount ?? 1
        switch action {
        case .answer(let answer):
            guard let shown = current else { message = "no query to answer"; return }
            let seconds = Swift.max(0, now.timeIntervalSince(shownAt))
            try store.add(answer: answer, to: shown.query.id, annotator: annotator, responseTime: seconds, at: now)
            message = "saved \(Self.describe(answer, kind: shown.query.kind)) for query \(shown.query.id)"
            current = nil
            try refresh(now: now)
        case .undo:
            guard let queryID = try store.undoLastAnswer(annotator: annotator) else { message = "nothing to undo"; return }
            guard let query = try store.queries().first(where: { $0.id == queryID }) else { return }
            current = nil
            try show(query, now: now)
            try refresh(now: now)
            message = "undid the answer to query \(queryID)"
        case .quit:
            hasQuit = true
        case .togglePause:
            isPaused.toggle()
        case .stepFrames(let n):
            isPaused = true
            position = Double(Swift.min(Swift.max(frameIndex + n, 0), count - 1))
        case .jumpFrames(let n):
            position = Double(((frameIndex + n) % count + count) % count)
        case .seek(let fraction):
            position = Double(Swift.min(Swift.max(Int(fraction * Double(count)), 0), count - 1))
        case .slower:
            speed = Swift.max(0.25, speed / 2)
        case .faster:
            speed = Swift.min(4, speed * 2)
        case .toggleTraces:
            showsTraces.toggle()
        }
    }

    static func describe(_ answer: Answer, kind: QueryKind) -> String {
        switch (answer, kind) {
        case (.first, .pair): return "left better"
        case (.second, .pair): return "right better"
        case (.first, .triplet): return "A more alike"
        case (.second, .triplet): return "B more alike"
        case (.equal, _): return "equal"
        case (.skip, _): return "skip"
        }
    }
}

public enum LabelSessionError: Error, CustomStringConvertible {
    case emptyAnnotator
    public var description: String { "the annotator name is empty; pass --annotator NAME" }
}
