import Foundation
import SandboxCore
import Rendering
import PhysicsEnvs

enum PairCommand {
    static let help = """
    usage: sandbox pair A.json B.json --clip FILE.gif|FILE.mp4 [--start S] [--length L] [--size WxH]

    Replays two episode records and renders them side by side, labelled A (left) and B (right), as
    shown to a person answering "which is better?". --start and --length cut the same segment (in steps)
    from both episodes; by default the whole episodes are shown. Under each side runs its segment return;
    a side whose episode ends first is dimmed and says how it ended (ended: landed, crashed, fell,
    time limit) while the other plays on.
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard arguments.positional.count == 2 else {
            throw UsageError("pair needs two record files, e.g. `sandbox pair a.json b.json --clip pair.gif`")
        }
        guard let clip = arguments.string("clip") else { throw UsageError("pair needs --clip FILE.gif or FILE.mp4") }
        let start = try arguments.int("start", default: 0, minimum: 0, maximum: 10_000_000)!
        let length = try arguments.int("length", minimum: 1, maximum: 10_000_000)
        let sizeText = arguments.string("size")
        try arguments.checkAllUsed()

        let format = try PictureOutputs.clipFormat(clip)
        try prepareOutput(clip)
        let records = try arguments.positional.map { try EpisodeRecord.read(from: URL(fileURLWithPath: $0)) }
        let spec = try SandboxCLI.tasks.spec(for: records[0].task)
        let size = try sizeText.map { try RenderSize(parsing: $0) } ?? RenderSize(width: spec.renderWidth / 2, height: spec.renderHeight / 2)
        // Both sides' frames are held in memory until the clip is written: keep them under 4 GB.
        let frameCount = min(records.map(\.length).max() ?? 0, length ?? Int.max) + 1
        if 2 * frameCount * size.width * size.height * 4 > 4_000_000_000 {
            throw UsageError("a pair clip of \(frameCount) frames at \(size.width)x\(size.height) needs more than 4 GB; use a smaller --size or a shorter --length")
        }
        var sides: [ClipSide] = []
        for (label, (record, file)) in zip(["A", "B"], zip(records, arguments.positional)) {
            let replay = try Rollout.replay(record, in: SandboxCLI.tasks, path: file, renderSize: size)
            let frames = replay.episode.frames
            guard start < frames.count else {
                throw UsageError("--start \(start) is past the end of \(file), which has \(frames.count - 1) steps")
            }
            let end = length.map { min(frames.count, start + $0 + 1) } ?? frames.count
            var returns = [0.0]
            for terms in replay.episode.termTrace[start..<(end - 1)] { returns.append(returns.last! + terms.reduce(0, +)) }
            // The episode ends inside the segment only when the segment reaches its last frame.
            let ended = end == frames.count && replay.episode.outcome.hasEnded
            sides.append(ClipSide(frames: Array(frames[start..<end]), label: label, returns: returns,
                                  endFrame: ended ? end - 1 - start : nil, outcome: replay.episode.outcome))
        }
        let caption = records[0].taskID == records[1].taskID ? records[0].taskID : "\(records[0].taskID) | \(records[1].taskID)"
        let frames = Composition.sideBySide(sides, caption: caption)
        try format.write(frames, to: clip, framesPerSecond: spec.framesPerSecond)
        print("pair clip \(clip): \(frames.count) frames, A = \(arguments.positional[0]), B = \(arguments.positional[1])")
        for side in sides {
            print(String(format: "  %@: segment return %.2f, %@", side.label, side.returns!.last!,
                         side.endFrame == nil ? "episode goes on" : "ended: \(side.outcome)"))
        }
        return 0
    }
}
