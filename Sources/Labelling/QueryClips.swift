import Foundation
import SandboxCore
import Rendering
import RewardLearning

/// The clips of one query, ready to play: for a pair [A, B], for a triplet [reference, A, B].
public struct QueryClips: Sendable {
    public var query: StoredQuery
    public var task: String
    /// The task's clip rate.
    public var framesPerSecond: Int
    public var clips: [SegmentClip]
    /// Frames in the longest clip; shorter clips hold their last frame.
    public var frameCount: Int { clips.map(\.frames.count).max() ?? 0 }
}

/// Replays a store's segments into clips of a fixed size, keeping the last few queries' clips.
public final class ClipLoader {
    public let store: LabelStore
    /// Where the stored episodes' tasks come from.
    public let tasks: TaskRegistry
    /// The largest clip of a pair and of a triplet, in pixels; each task's clips keep its aspect ratio inside.
    public let pairBox: (width: Int, height: Int)
    public let tripletBox: (width: Int, height: Int)
    private var cache: [Int64: QueryClips] = [:]
    private var order: [Int64] = []

    public init(store: LabelStore, tasks: TaskRegistry, pairBox: (width: Int, height: Int) = LabelScreen.pairBox,
                tripletBox: (width: Int, height: Int) = LabelScreen.tripletBox) {
        self.store = store
        self.tasks = tasks
        self.pairBox = pairBox
        self.tripletBox = tripletBox
    }

    /// The clip size for a task: its render aspect ratio, as large as fits in the box.
    public static func clipSize(for spec: TaskSpec, box: (width: Int, height: Int)) throws -> RenderSize {
        let scale = Swift.min(Double(box.width) / Double(spec.renderWidth), Double(box.height) / Double(spec.renderHeight))
        return try RenderSize(width: Swift.max(8, Int(Double(spec.renderWidth) * scale)), height: Swift.max(8, Int(Double(spec.renderHeight) * scale)))
    }

    public func clips(for query: StoredQuery) throws -> QueryClips {
        if let cached = cache[query.id] { return cached }
        let references = query.kind == .triplet ? [query.reference ?? query.first, query.first, query.second] : [query.first, query.second]
        var clips: [SegmentClip] = []
        var task = ""
        var framesPerSecond = 30
        let box = query.kind == .triplet ? tripletBox : pairBox
        for reference in references {
            let record = try store.episode(reference.episode)
            task = record.taskID
            let spec = try tasks.spec(for: record.taskID)
            framesPerSecond = spec.framesPerSecond
            let size = try Self.clipSize(for: spec, box: box)
            clips.append(try Rollout.segment(of: record, in: tasks, start: reference.start, length: reference.length, renderSize: size))
        }
        let result = QueryClips(query: query, task: task, framesPerSecond: framesPerSecond, clips: clips)
        cache[query.id] = result
        order.append(query.id)
        if order.count > 4 { cache[order.removeFirst()] = nil }
        return result
    }
}
