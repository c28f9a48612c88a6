import Agents
import Foundation
import SandboxCore
import Rendering
import PhysicsEnvs

enum RolloutCommand {
    static let help = """
    usage: sandbox rollout --task ID [--policy random|heuristic|PATH] [--seed N] [--episodes K] [--max-steps M]
                           [--clip FILE.gif|FILE.mp4] [--size WxH] [--record FILE.json] [--sheet FILE.png]
                           [--option KEY=VALUE ...]

    Runs K episodes (seeds N, N+1, ...) and prints each one's return, length and end (e.g. terminated
    (landed), truncated), one line each.
      --policy     random (uniform actions), heuristic (the task's built-in controller; the default), or a
                   trained policy (policy.safetensors, a checkpoint or a run folder; --task may then be omitted)
      --clip       write each episode as an animated GIF or an MP4 (MP4 needs ffmpeg)
      --size       frame size for clips and sheets, e.g. 600x400 (default: the task's)
      --record     write each episode's replay record (JSON)
      --sheet      write a contact sheet PNG of each episode; its last tile says how the episode ended
      --option     a task option, e.g. --option gravity=-9.8 (see `sandbox tasks`); with a trained policy
               it changes the options the policy was trained with, e.g. --option variant=layout
    With several episodes, file names get -e0, -e1, ... before the extension.
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        let policy = arguments.string("policy") ?? "heuristic"
        var trained: Policy?
        if !["random", "heuristic"].contains(policy) {
            guard FileManager.default.fileExists(atPath: policy) else {
                throw UsageError("--policy '\(policy)' is neither random, heuristic nor an existing policy file or run folder")
            }
            trained = try Policy.load(from: EvalCommand.policyURL(policy))
        }
        guard let task = arguments.string("task") ?? trained?.configuration.taskID else {
            throw UsageError("rollout needs --task ID; known tasks: \(SandboxCLI.tasks.ids.joined(separator: ", "))")
        }
        if let trained, try SandboxCLI.tasks.spec(for: task).id != trained.configuration.taskID {
            throw UsageError("the policy was trained on \(trained.configuration.taskID), not \(task); drop --task or pick its task")
        }
        let seed = try arguments.seed()
        let episodes = try arguments.int("episodes", default: 1, minimum: 1, maximum: 100_000)!
        let maxSteps = try arguments.int("max-steps", minimum: 1, maximum: 10_000_000)
        let clip = arguments.string("clip")
        let record = arguments.string("record")
        let sheet = arguments.string("sheet")
        let sizeText = arguments.string("size")
        let options = try arguments.taskOptions()
        try arguments.checkAllUsed()

        // A trained policy runs with the options it was trained with; --option changes some of them (a
        // policy trained on one tabletop variant, evaluated on another), as long as the spaces still fit.
        let environment = try trained.map { try $0.makeEnvironment(in: SandboxCLI.tasks, overriding: options) } ?? SandboxCLI.tasks.make(task, options: options)
        let spec = environment.spec
        var size: RenderSize?
        if let sizeText { size = try RenderSize(parsing: sizeText) }
        let needsFrames = clip != nil || sheet != nil
        let renderSize = needsFrames ? try (size ?? RenderSize(width: spec.renderWidth, height: spec.renderHeight)) : nil
        let clipFormat = try clip.map { path -> ClipFormat in
            try PictureOutputs.clipFormat(path)
        }
        if let sheet { try PictureOutputs.checkPNG(sheet, option: "--sheet") }
        func path(_ base: String?, episode: Int) -> String? {
            guard let base else { return nil }
            guard episodes > 1 else { return base }
            let url = URL(fileURLWithPath: base)
            let ext = url.pathExtension
            let stem = url.deletingPathExtension().path
            return ext.isEmpty ? "\(stem)-e\(episode)" : "\(stem)-e\(episode).\(ext)"
        }
        for e in 0..<episodes {
            for p in [path(clip, episode: e), path(record, episode: e), path(sheet, episode: e)].compactMap({ $0 }) {
                try prepareOutput(p)
            }
        }

        var returns: [Double] = [], scores: [Double] = []
        for e in 0..<episodes {
            let episodeSeed = seed &+ UInt64(e)
            let controller: any Controller = trained ?? (policy == "random"
                ? RandomController(space: spec.actionSpace, seed: SeedStream.randomActions.seed(from: episodeSeed))
                : environment.makeHeuristic())
            let episode = try Rollout.run(environment, controller: controller, seed: episodeSeed, maxSteps: maxSteps, renderSize: renderSize)
            let r = episode.record
            returns.append(r.episodeReturn)
            let end = r.terminated ? "terminated (\(episode.outcome))" : (r.truncated ? "truncated" : "stopped")
            var line = String(format: "episode %d seed %llu return %.2f length %d %@", e, episodeSeed, r.episodeReturn, r.length, end)
            if let score = episode.finalInfo["score"] {
                scores.append(score)
                line += String(format: " score %.2f", score)
            }
            print(line)
            if let p = path(clip, episode: e), let clipFormat {
                try clipFormat.write(episode.frames, to: p, framesPerSecond: spec.framesPerSecond)
                print("  clip   \(p)")
            }
            if let p = path(sheet, episode: e), let image = Composition.contactSheet(
                episode.frames, title: "\(spec.id)  seed \(episodeSeed)  return \(String(format: "%.1f", r.episodeReturn))",
                outcome: episode.outcome) {
                try image.writePNG(to: p)
                print("  sheet  \(p)")
            }
            if let p = path(record, episode: e) {
                try r.write(to: URL(fileURLWithPath: p))
                print("  record \(p)")
            }
        }
        if episodes > 1 {
            let mean = returns.reduce(0, +) / Double(returns.count)
            let std = (returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(returns.count)).squareRoot()
            print(String(format: "mean return %.2f ± %.2f over %d episodes", mean, std, episodes))
            if !scores.isEmpty {
                let successes = scores.filter { $0 >= 1 }.count
                print(String(format: "mean score %.3f; success (score 1) in %d of %d episodes", scores.reduce(0, +) / Double(scores.count), successes, scores.count))
            }
        }
        return 0
    }
}

