import Foundation
import SandboxCore
import Rendering
import PhysicsEnvs

enum ReplayCommand {
    static let help = """
    usage: sandbox replay FILE.json [--clip FILE.gif|FILE.mp4] [--size WxH] [--sheet FILE.png]

    Replays an episode record from its task, version, options, seed and actions, and says whether the
    observations, rewards and ending matched the record bit for bit. Exit status 1 on a mismatch.
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard arguments.positional.count == 1 else {
            throw UsageError("replay needs exactly one record file, e.g. `sandbox replay runs/demo/lander.json`")
        }
        let file = arguments.positional[0]
        let clip = arguments.string("clip")
        let sheet = arguments.string("sheet")
        let sizeText = arguments.string("size")
        try arguments.checkAllUsed()

        let clipFormat = try clip.map { try PictureOutputs.clipFormat($0) }
        if let sheet { try PictureOutputs.checkPNG(sheet, option: "--sheet") }
        let record = try EpisodeRecord.read(from: URL(fileURLWithPath: file))
        for output in [clip, sheet].compactMap({ $0 }) { try prepareOutput(output) }
        let spec = try SandboxCLI.tasks.spec(for: record.task)
        var size: RenderSize?
        if let sizeText { size = try RenderSize(parsing: sizeText) }
        let renderSize = (clip != nil || sheet != nil) ? try (size ?? RenderSize(width: spec.renderWidth, height: spec.renderHeight)) : nil
        let result = try Rollout.replay(record, in: SandboxCLI.tasks, path: file, renderSize: renderSize)
        let r = result.episode.record
        if result.matched {
            print(String(format: "replayed %@ seed %llu: %d steps, return %.2f — matched", record.taskID, record.seed, r.length, r.episodeReturn))
        } else {
            print(String(format: "replayed %@ seed %llu: %d steps, return %.2f — MISMATCH", record.taskID, record.seed, r.length, r.episodeReturn))
            for m in result.mismatches { print("  \(m)") }
        }
        if let clip, let clipFormat {
            try clipFormat.write(result.episode.frames, to: clip, framesPerSecond: spec.framesPerSecond)
            print("  clip  \(clip)")
        }
        if let sheet, let image = Composition.contactSheet(result.episode.frames, title: String(format: "%@  seed %llu  return %.1f", record.taskID, record.seed, r.episodeReturn),
                                                           outcome: result.episode.outcome) {
            try image.writePNG(to: sheet)
            print("  sheet \(sheet)")
        }
        return result.matched ? 0 : 1
    }
}
