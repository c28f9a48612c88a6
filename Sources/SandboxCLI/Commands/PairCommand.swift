import Foundation
import SandboxCore
import Rendering
import PhysicsEnvs

enum PairCommand {
    static let help = """
    usage: sandbox pair A.json B.json --clip FILE.gif|FILE.mp4 [--start S] [--length L] [--size WxH]

    Replays two episode records and renders them side by side, labelled A (left) and B (right), as
    shown to a person answering "which is better?". --start and --length cut the same segment (in steps)
    from both episodes; by default the whole episodes are shown.
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard arguments.positional.count == 2 else {
            throw UsageError("pair needs two record files, e.g. `sandbox pair a.json b.json --clip pair.gif`")
        }
        guard let clip = arguments.string("clip") else { throw UsageError("pair needs --clip FILE.gif or FILE.mp4") }
        let start = try arguments.int("start", default: 0, minimum: 0)!
        let length = try arguments.int("length", minimum: 1)
        let sizeText = arguments.string("size")
        try arguments.checkAllUsed()

        let format = try ClipFormat(path: clip)
        try format.checkAvailable(for: clip)
        try prepareOutput(clip)
        let records = try arguments.positional.map { try EpisodeRecord.read(from: URL(fileURLWithPath: $0)) }
        let spec = try SandboxCLI.tasks.spec(for: records[0].task)
        let size = try sizeText.map { try RenderSize(parsing: $0) } ?? RenderSize(width: spec.renderWidth / 2, height: spec.renderHeight / 2)
        var segments: [[Frame]] = []
        for (record, file) in zip(records, arguments.positional) {
            let replay = try Rollout.replay(record, in: SandboxCLI.tasks, path: file, renderSize: size)
            let frames = replay.episode.frames
            guard start < frames.count else {
                throw UsageError("--start \(start) is past the end of \(file), which has \(frames.count - 1) steps")
            }
            let end = length.map { min(frames.count, start + $0 + 1) } ?? frames.count
            segments.append(Array(frames[start..<end]))
        }
        let caption = records[0].taskID == records[1].taskID ? records[0].taskID : "\(records[0].taskID) | \(records[1].taskID)"
        let frames = Composition.pairClip(segments[0], segments[1], caption: caption)
        try format.write(frames, to: clip, framesPerSecond: spec.framesPerSecond)
        print("pair clip \(clip): \(frames.count) frames, A = \(arguments.positional[0]), B = \(arguments.positional[1])")
        return 0
    }
}
