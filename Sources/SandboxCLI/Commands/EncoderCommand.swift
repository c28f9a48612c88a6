import Foundation
import SandboxCore
import VisualRewards

enum EncoderCommand {
    static let help = """
    usage: sandbox encoder pretrain --task ID --out FILE.safetensors [--episodes N] [--max-steps N] [--steps N]
                                    [--seed S] [--option KEY=VALUE ...]
           sandbox encoder show FILE.safetensors

    pretrain  renders N episodes of the task at 64×64 (its heuristic, the heuristic with noise and random
              actions, in thirds; default 48 episodes of at most 300 steps) and pretrains the visual
              encoder's backbone (the Nature-CNN, 512 features) on them, self-supervised, with a
              time-contrastive InfoNCE objective: frames 1–2 steps apart attract, frames of the same
              episode 15 or more steps apart and frames of other episodes repel (default 1,500 steps of
              16 episodes × 2 anchors, Adam 3e-4, temperature 0.1). The file holds the backbone and
              untrained heads, with its configuration and this command in the metadata; `sandbox rapl
              align` trains the heads.
    show      the encoder's configuration: task, pretraining, alignment
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard let action = arguments.positional.first else { throw UsageError("encoder needs pretrain or show (see `sandbox encoder --help`)") }
        switch action {
        case "pretrain": return try pretrain(&arguments)
        case "show":
            guard arguments.positional.count == 2 else { throw UsageError("encoder show needs a file, e.g. sandbox encoder show assets/encoder.safetensors") }
            try arguments.checkAllUsed()
            let encoder = try FrameEncoder.load(from: URL(fileURLWithPath: arguments.positional[1]))
            print(RAPLCommand.describe(encoder.configuration))
            return 0
        default:
            throw UsageError("unknown encoder action '\(action)'; use pretrain or show")
        }
    }

    static func pretrain(_ arguments: inout Arguments) throws -> Int32 {
        guard arguments.positional.count == 1 else { throw UsageError("encoder pretrain takes options only, not '\(arguments.positional[1])'") }
        guard let taskID = arguments.string("task") else { throw UsageError("encoder pretrain needs --task ID (see `sandbox tasks`)") }
        guard let out = arguments.string("out") else { throw UsageError("encoder pretrain needs --out FILE.safetensors") }
        var settings = RAPLPipeline.PretrainSettings(taskID: taskID)
        settings.episodes = try arguments.int("episodes", default: settings.episodes, minimum: 1, maximum: 100_000)!
        settings.maxSteps = try arguments.int("max-steps", default: settings.maxSteps, minimum: 2, maximum: 100_000)!
        settings.training.steps = try arguments.int("steps", default: settings.training.steps, minimum: 1, maximum: 10_000_000)!
        settings.seed = try arguments.seed(default: 1)
        settings.options = try arguments.taskOptions()
        try arguments.checkAllUsed()
        _ = try SandboxCLI.tasks.spec(for: taskID)
        try prepareOutput(out)
        var command = "sandbox encoder pretrain --task \(taskID) --episodes \(settings.episodes) --max-steps \(settings.maxSteps) --steps \(settings.training.steps) --seed \(settings.seed)"
        for (key, value) in settings.options.sorted(by: { $0.key < $1.key }) { command += " --option \(key)=\(value.plainText)" }
        command += " --out \(out)"
        let started = Date()
        let encoder = try RAPLPipeline.pretrain(settings, tasks: SandboxCLI.tasks, command: command,
                                                progress: { ProgressBar($0, total: $1) })
        try encoder.save(to: URL(fileURLWithPath: out))
        let record = encoder.configuration.pretraining!
        print(String(format: "pretrained on %d frames of %d episodes of %@ in %.0f s; final InfoNCE loss %.3f (chance %.3f)",
                     record.frames, record.episodes, taskID, Date().timeIntervalSince(started), record.finalLoss,
                     Foundation.log(Double(settings.training.episodesPerBatch * settings.training.anchorsPerEpisode))))
        print("encoder \(out)")
        return 0
    }
}
