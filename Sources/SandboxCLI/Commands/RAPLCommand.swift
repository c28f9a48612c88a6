import Agents
import Foundation
import Rendering
import RewardLearning
import SandboxCore
import VisualRewards

enum RAPLCommand {
    static let help = """
    usage: sandbox rapl align --task ID --triplets N --out ENCODER [--encoder PRETRAINED] [--teacher simulated|human]
                              [--store F.db] [--pool N] [--max-steps N] [--cost TERM+TERM] [--no-equal] [--epochs N]
                              [--fine-tune EPOCHS] [--seed S] [--option KEY=VALUE ...] [--any-task]
           sandbox rapl train --task ID --encoder ENCODER --algo ppo|sac --reward rapl|rlhf|ot|goal|true [--demos K]
                              [--demo-task ID] [--demo-option KEY=VALUE ...] [--scaling linear|squared] [--steps N]
                              [--eval-episodes N] [--cost TERM+TERM] [--seed S] [--out DIR] [--option KEY=VALUE ...]
                              [--hyperparameter KEY=VALUE ...] [--any-task]
           sandbox rapl evaluate --task ID --encoder ENCODER [--rollouts N] [--demos K] [--methods rapl,rlhf,ot,goal,true]
                                 [--cost TERM+TERM] [--max-steps N] [--seed S] [--option KEY=VALUE ...] [--json] [--out DIR]
                                 [--any-task]

    RAPL (Tian et al., arXiv 2412.04835): a visual reward aligned to a person from a few preference triplets.
    align     renders a pool of rollouts (--pool, default 90: the task's heuristic, the heuristic with noise,
              random actions) at 64×64 through the encoder's frozen backbone, gets N triplets o⁺ ≻ o ≻ o⁻,
              and trains the encoder's linear head (features → 32) so that the optimal-transport similarity
              r(a, b) = −Σ P*⊙(1 − cos) orders them (Bradley–Terry with o⁺ as anchor, Adam 1e-3, batches of
              10, 100 epochs, 80/20 split, best validation epoch kept), and the RLHF baseline's frame
              reward head on the same triplets read as pairs (Adam 1e-4, 50 epochs).
              --teacher simulated (default): ranks three rollouts by the privileged cost at the last step
              and keeps them when the costs fall in separated bands (quantiles of the pool); three in the
              best band make an equal triplet (target 0.5) unless --no-equal. With --store the triplets
              are recorded there as answered triplet queries.
              --teacher human: writes N triplet queries to --store (reference: an expert rollout; "which
              is more like it?") and waits for answers from `sandbox label --store F.db`.
              --cost: the reward terms whose running sum, negated, is the privileged cost; TERM:state
              counts a term's value at the step instead (a level, not a change). Default per task: the
              lander's distance; the tabletop tasks' distance:state (Avoiding: distance:state+zone,
              Grouping: spread:state+spot:state); all the task's terms, i.e. its return, otherwise.
              --encoder defaults to assets/encoder-TASK.safetensors. --fine-tune E then trains the whole
              encoder (backbone and RAPL's head, Adam 1e-4) for E more epochs on the same triplets, keeping
              the best validation epoch, before the RLHF head is trained on its features; every method,
              un-aligned OT and goal distance included, then reads the fine-tuned backbone.
    train     trains an agent that observes state on a reward from its 64×64 frames: rapl (OT against
              the K best-matching expert demonstrations in the aligned embedding, default K = 6), rlhf,
              ot (un-aligned OT in the backbone's features), goal (distance to the demonstrations' mean
              last-frame features) or true (the task's reward). --scaling squared feeds −10000·(Σ P C)²
              as the released code does (default linear: −Σ P C). --demo-task and --demo-option take the
              demonstrations from another body (cross-embodiment). Writes a run folder as `sandbox train`,
              plus rapl_summary.json: success share, mean final privileged cost and true return over
              --eval-episodes (default 20) deterministic episodes.
    --any-task lets an encoder pretrained on another task's frames be used (cross-embodiment: align on one
              body's task, train another's).
    evaluate  Spearman ρ between each method's per-frame reward and the privileged ground truth on N
              held-out rollouts (default 50): within each trajectory every 4th step, averaged (as the
              released compute_corr.py), and across episodes (learned return against −final cost). --out DIR
              writes correlations.json and reward_trace.png (each reward along one held-out expert rollout).
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard let action = arguments.positional.first else { throw UsageError("rapl needs align, train or evaluate (see `sandbox rapl --help`)") }
        guard arguments.positional.count == 1 else { throw UsageError("rapl \(action) takes options only, not '\(arguments.positional[1])'") }
        switch action {
        case "align": return try align(&arguments)
        case "train": return try train(&arguments)
        case "evaluate": return try evaluate(&arguments)
        default: throw UsageError("unknown rapl action '\(action)'; use align, train or evaluate")
        }
    }

    /// The shipped encoder for a task: `assets/encoder-NAME.safetensors` under the current folder, or
    /// else under the package the running binary was built in (`.build/<configuration>/sandbox`, two
    /// folders up), so the command works from any folder.
    static func shippedEncoderPath(for spec: TaskSpec) -> String {
        let relative = "assets/encoder-\(spec.name).safetensors"
        if FileManager.default.fileExists(atPath: relative) { return relative }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<3 {
            folder = folder.deletingLastPathComponent()
            let candidate = folder.appendingPathComponent(relative).path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        return relative
    }

    /// The encoder a command reads: --encoder, or the shipped one for the task.
    static func loadEncoder(_ path: String?, spec: TaskSpec, anyTask: Bool, required: Bool) throws -> (FrameEncoder, String) {
        let file = path ?? shippedEncoderPath(for: spec)
        guard FileManager.default.fileExists(atPath: file) else {
            if path == nil || !required {
                throw UsageError("no encoder at \(file); pretrain one with sandbox encoder pretrain --task \(spec.id) --out \(file), or give --encoder FILE")
            }
            throw UsageError("no encoder at \(file); give a file written by sandbox encoder pretrain or sandbox rapl align")
        }
        let encoder = try FrameEncoder.load(from: URL(fileURLWithPath: file))
        if !anyTask, TaskRegistry.parse(encoder.configuration.task).name != spec.name {
            throw VisualRewardError.encoderTask(encoder: file, task: encoder.configuration.task)
        }
        return (encoder, file)
    }

    static func align(_ arguments: inout Arguments) throws -> Int32 {
        guard let taskID = arguments.string("task") else { throw UsageError("rapl align needs --task ID (see `sandbox tasks`)") }
        guard let count = try arguments.int("triplets", minimum: 2, maximum: 1_000_000) else { throw UsageError("rapl align needs --triplets N, e.g. --triplets 150") }
        guard let out = arguments.string("out") else { throw UsageError("rapl align needs --out ENCODER.safetensors") }
        let encoderPath = arguments.string("encoder")
        let teacher = arguments.string("teacher") ?? "simulated"
        guard teacher == "simulated" || teacher == "human" else { throw UsageError("--teacher is simulated or human, not '\(teacher)'") }
        let storePath = arguments.string("store")
        if teacher == "human" && storePath == nil { throw UsageError("--teacher human needs --store F.db, where the labelling window reads the queries") }
        var pool = RolloutPool.Settings()
        pool.episodes = try arguments.int("pool", default: 90, minimum: 6, maximum: 1_000_000)!
        pool.maxSteps = try arguments.int("max-steps", default: pool.maxSteps, minimum: 2, maximum: 100_000)!
        let costText = arguments.string("cost")
        let allowEqual = !arguments.flag("no-equal")
        var settings = TripletAlignment.Settings()
        settings.epochs = try arguments.int("epochs", default: settings.epochs, minimum: 1, maximum: 100_000)!
        settings.rlhfEpochs = Swift.max(1, settings.epochs / 2)
        let seed = try arguments.seed(default: 1)
        settings.seed = seed
        pool.seed = seed &* 1000 &+ 100_000
        pool.options = try arguments.taskOptions()
        let anyTask = arguments.flag("any-task")
        let fineTuneEpochs = try arguments.int("fine-tune", minimum: 1, maximum: 100_000)
        try arguments.checkAllUsed()
        let spec = try SandboxCLI.tasks.spec(for: taskID)
        let cost = try PrivilegedCost.resolve(costText, spec: spec)
        let (encoder, encoderFile) = try loadEncoder(encoderPath, spec: spec, anyTask: anyTask, required: true)
        try prepareOutput(out)
        let store = try storePath.map { try LabelStore(path: $0) }

        let bar = ProgressBar("pool \(spec.id)", total: pool.episodes)
        let rollouts = try RAPLPipeline.pool(encoder: encoder, taskID: taskID, tasks: SandboxCLI.tasks, cost: cost, settings: pool,
                                             keepFrames: fineTuneEpochs != nil, frameLimit: settings.videoFrames, progress: bar)
        bar.finish()
        let triplets: [Triplet]
        if teacher == "human" {
            signal(SIGINT) { _ in interruptRequested = 1; signal(SIGINT, SIG_DFL) }
            triplets = try RAPLPipeline.humanTriplets(pool: rollouts, count: count, seed: seed, store: store!,
                                                      shouldStop: { interruptRequested != 0 }, report: { print($0); fflush(stdout) })
            guard triplets.count >= 2 else { throw UsageError("only \(triplets.count) triplets were answered (skips are dropped); answer more with sandbox label --store \(storePath!)") }
        } else {
            triplets = try RAPLPipeline.simulatedTriplets(pool: rollouts, count: count, person: SimulatedPerson(allowEqual: allowEqual),
                                                          seed: seed, store: store)
        }
        let equal = triplets.filter(\.equal).count
        print("\(triplets.count) triplets (\(equal) equal) over \(rollouts.episodes.count) rollouts of \(spec.id); privileged cost −Σ \(cost)")
        let alignBar = ProgressBar("aligning", total: settings.epochs + settings.rlhfEpochs + (fineTuneEpochs ?? 0))
        let alignment = TripletAlignment(settings: settings)
        var generator = alignment.shuffling()
        var features = rollouts.episodes.map { $0.features! }
        var report = alignment.alignHead(encoder, features: features, triplets: triplets, generator: &generator, progress: alignBar)
        if let fineTuneEpochs {
            try alignment.fineTune(encoder, videos: rollouts.episodes.map(\.frames), triplets: triplets, epochs: fineTuneEpochs,
                                   report: &report, generator: &generator, progress: alignBar)
            features = try rollouts.episodes.map { try encoder.features($0.frames) }  // the fine-tuned backbone's, of the kept frames
        }
        alignment.alignRewardHead(encoder, features: features, triplets: triplets, report: &report, generator: &generator, progress: alignBar)
        alignBar.finish()
        encoder.record(alignment: AlignmentRecord(
            teacher: teacher, triplets: triplets.count, privilegedCost: cost.description,
            validationLoss: report.bestValidationLoss, bestEpoch: report.bestEpoch, validationAccuracy: finite(report.validationAccuracy),
            rlhfValidationLoss: report.rlhfBestValidationLoss, rlhfValidationAccuracy: finite(report.rlhfValidationAccuracy), seed: seed,
            fineTuningEpochs: fineTuneEpochs))
        try encoder.save(to: URL(fileURLWithPath: out))
        print(String(format: "RAPL head: best validation loss %.4f at epoch %d, validation accuracy %.2f (%d training, %d validation triplets)",
                     report.bestValidationLoss, report.bestEpoch, report.validationAccuracy, report.trainingTriplets, report.validationTriplets))
        print(String(format: "RLHF head: best validation loss %.4f, pair accuracy %.2f", report.rlhfBestValidationLoss, report.rlhfValidationAccuracy))
        print("encoder \(out) (backbone from \(encoderFile))")
        return 0
    }

    /// An accuracy for the checkpoint's JSON metadata: −1 when there was nothing to count (all equal).
    static func finite(_ value: Double) -> Double { value.isFinite ? value : -1 }

    static func evaluate(_ arguments: inout Arguments) throws -> Int32 {
        guard let taskID = arguments.string("task") else { throw UsageError("rapl evaluate needs --task ID (see `sandbox tasks`)") }
        let encoderPath = arguments.string("encoder")
        var pool = RolloutPool.Settings()
        pool.episodes = try arguments.int("rollouts", default: 50, minimum: 3, maximum: 1_000_000)!
        pool.maxSteps = try arguments.int("max-steps", default: pool.maxSteps, minimum: 2, maximum: 100_000)!
        let demos = try arguments.int("demos", default: 6, minimum: 1, maximum: 1000)!
        let methods = try (arguments.string("methods") ?? VisualRewardMethod.allCases.map(\.rawValue).joined(separator: ",")).split(separator: ",").map { name in
            guard let method = VisualRewardMethod(rawValue: String(name)) else {
                throw UsageError("--methods takes \(VisualRewardMethod.allCases.map(\.rawValue).joined(separator: ", ")) separated by commas; got '\(name)'")
            }
            return method
        }
        let costText = arguments.string("cost")
        let seed = try arguments.seed(default: 1)
        pool.seed = seed &* 1000 &+ 5_000_000
        pool.options = try arguments.taskOptions()
        let json = arguments.flag("json")
        let anyTask = arguments.flag("any-task")
        let out = arguments.string("out")
        try arguments.checkAllUsed()
        let spec = try SandboxCLI.tasks.spec(for: taskID)
        let cost = try PrivilegedCost.resolve(costText, spec: spec)
        let (encoder, encoderFile) = try loadEncoder(encoderPath, spec: spec, anyTask: anyTask, required: true)
        if let out { try prepareOutput(URL(fileURLWithPath: out).appendingPathComponent("correlations.json").path) }
        let bar = ProgressBar("held-out \(spec.id)", total: pool.episodes)
        let heldOut = try RAPLPipeline.pool(encoder: encoder, taskID: taskID, tasks: SandboxCLI.tasks, cost: cost, settings: pool, progress: bar)
        bar.finish()
        let demonstrations = try RAPLPipeline.demonstrations(encoder: encoder, taskID: taskID, tasks: SandboxCLI.tasks, count: demos,
                                                             seed: seed &* 1000 &+ 9_000_000, maxSteps: pool.maxSteps, options: pool.options)
        let results = RAPLPipeline.evaluate(encoder: encoder, heldOut: heldOut, demonstrations: demonstrations, methods: methods)
        let encoderJSON = JSONEncoder()
        encoderJSON.outputFormatting = [.sortedKeys]
        let resultsJSON = try encoderJSON.encode(results.map { JSONCorrelation($0) })
        if let out {
            let folder = URL(fileURLWithPath: out)
            try writeAtomically(resultsJSON, to: folder.appendingPathComponent("correlations.json"))
            let shown = heldOut.episodes.first { $0.policy == .expert } ?? heldOut.episodes[0]
            try RewardTracePlot.plot(encoder: encoder, episode: shown, demonstrations: demonstrations, methods: methods,
                                     title: "\(spec.id): rewards along a held-out \(shown.policy.rawValue) rollout (\(shown.outcome))")
                .writePNG(to: folder.appendingPathComponent("reward_trace.png").path)
        }
        if json {
            print(String(decoding: resultsJSON, as: UTF8.self))
        } else {
            print("Spearman ρ with the privileged ground truth (−c_t for the cost \(cost)) on \(heldOut.episodes.count) held-out rollouts of \(spec.id), \(demos) demonstrations, encoder \(encoderFile):")
            print("method  within-trajectory ρ (mean ± std)  across-episode ρ")
            for r in results {
                print(r.method.padding(toLength: 6, withPad: " ", startingAt: 0) + String(format: "  %6.3f ± %.3f                     %6.3f", r.withinMean, r.withinStd, r.across))
            }
        }
        return 0
    }

    /// A correlation as JSON (NaN as null).
    struct JSONCorrelation: Encodable {
        var method: String
        var within_mean: Double?
        var within_std: Double?
        var across: Double?
        var rollouts: Int
        init(_ r: RewardCorrelation) {
            method = r.method
            within_mean = r.withinMean.isFinite ? r.withinMean : nil
            within_std = r.withinStd.isFinite ? r.withinStd : nil
            across = r.across.isFinite ? r.across : nil
            rollouts = r.rollouts
        }
    }

    static func train(_ arguments: inout Arguments) throws -> Int32 {
        guard let taskID = arguments.string("task") else { throw UsageError("rapl train needs --task ID (see `sandbox tasks`)") }
        let algorithm = try arguments.algorithm(for: "rapl train")
        guard let methodText = arguments.string("reward") else { throw UsageError("rapl train needs --reward rapl|rlhf|ot|goal|true") }
        guard let method = VisualRewardMethod(rawValue: methodText) else { throw UsageError("--reward is rapl, rlhf, ot, goal or true, not '\(methodText)'") }
        let encoderPath = arguments.string("encoder")
        let demos = try arguments.int("demos", default: 6, minimum: 1, maximum: 1000)!
        let demoTask = arguments.string("demo-task") ?? taskID
        var demoOptions: [String: Double] = [:]
        for item in arguments.strings("demo-option") {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let value = Double(parts[1]) else { throw UsageError("--demo-option takes KEY=NUMBER; got '\(item)'") }
            demoOptions[String(parts[0])] = value
        }
        let scaling = try arguments.choice("scaling", of: TransportRewardScaling.self) ?? .linear
        let stepsOverride = try arguments.int("steps", minimum: 1)
        let evalEpisodes = try arguments.int("eval-episodes", default: 20, minimum: 1, maximum: 100_000)!
        let costText = arguments.string("cost")
        let seed = try arguments.seed()
        let out = arguments.string("out") ?? "runs"
        let options = try arguments.taskOptions()
        let hyperparameters = arguments.strings("hyperparameter")
        let anyTask = arguments.flag("any-task")
        try arguments.checkAllUsed()

        let spec = try SandboxCLI.tasks.spec(for: taskID)
        _ = try SandboxCLI.tasks.spec(for: demoTask)
        let cost = try PrivilegedCost.resolve(costText, spec: spec)
        let agent = try TrainCommand.setHyperparameters(hyperparameters, of: AgentSettings.tuned(algorithm, for: spec.name))
        let total = stepsOverride ?? algorithm.defaultSteps(task: spec.name)
        var source = RewardSource.environment
        var specification = RewardSpecification.environment
        var encoderFile = "-"
        if method != .truth {
            let (encoder, file) = try loadEncoder(encoderPath, spec: spec, anyTask: anyTask, required: true)
            encoderFile = file
            if method == .rapl || method == .rlhf, encoder.configuration.alignment == nil {
                throw UsageError("\(file) is only pretrained; align its heads first with sandbox rapl align --task \(spec.id) --encoder \(file) --out ALIGNED.safetensors")
            }
            let demonstrations = method == .rlhf ? [] : try RAPLPipeline.demonstrations(
                encoder: encoder, taskID: demoTask, tasks: SandboxCLI.tasks, count: demos, seed: seed &* 1000 &+ 9_000_000,
                maxSteps: RolloutPool.Settings().maxSteps, options: demoOptions)
            source = .episode(VisualEpisodeReward(encoder: encoder, method: method, demonstrationFeatures: demonstrations, scaling: scaling))
            specification = .visual(method: method == .rapl || method == .ot ? "\(method.rawValue)-\(scaling.rawValue)" : method.rawValue, encoder: file)
        }
        let configuration = RunConfiguration(task: spec.id, agent: agent, seed: seed, totalSteps: total, reward: specification,
                                             taskOptions: options, checkpointInterval: Swift.max(total / 10, 1),
                                             started: ISO8601DateFormatter().string(from: Date()))
        let trainer = try configuration.makeTrainer(tasks: SandboxCLI.tasks, reward: source)
        let run = try RunDirectory.create(under: URL(fileURLWithPath: out), task: spec.name, algorithm: "rapl-\(method.rawValue)-\(algorithm.rawValue)", seed: seed)
        let session = try run.removingIfUnstarted {
            try run.write(configuration)
            return try TrainingSession(trainer: trainer, run: run, configuration: configuration, tasks: SandboxCLI.tasks)
        }
        print("rapl train on \(spec.id) with \(algorithm.displayName), reward \(specification) (demonstrations from \(demoTask)); \(total) steps → \(run.url.path)")
        if case .ppo(let ppo) = agent { TrainCommand.printRolloutRounding(ppo, budget: total) }
        fflush(stdout)
        signal(SIGINT) { _ in interruptRequested = 1; signal(SIGINT, SIG_DFL) }
        let progress = ProgressBar("rapl \(method.rawValue) \(spec.id)", total: configuration.stepsToRun)
        let finished = try session.run(shouldStop: { interruptRequested != 0 }, progress: progress)
        if !finished {
            print("\nstopped at step \(trainer.globalStep); checkpoint written")
            return 130
        }
        let summary = try RAPLAgentSummary.measure(policyFile: run.policyFile, tasks: SandboxCLI.tasks, cost: cost, episodes: evalEpisodes,
                                                   seed: seed &* 1000 &+ 7_000_000, reward: specification.description, encoder: encoderFile)
        try summary.write(to: run.url.appendingPathComponent("rapl_summary.json"))
        print(summary.line)
        print("policy  \(run.policyFile.path)")
        return 0
    }

    /// The configuration of an encoder file, for `sandbox encoder show`.
    static func describe(_ c: FrameEncoderConfiguration) -> String {
        var lines = ["task \(c.task); frames \(c.frameSize)×\(c.frameSize); backbone features \(c.featureSize); embedding \(c.embeddingSize)"]
        if let p = c.pretraining {
            lines.append("pretrained: \(p.objective), \(p.steps) steps on \(p.frames) frames of \(p.episodes) episodes, seed \(p.seed), final loss \(String(format: "%.3f", p.finalLoss))")
            lines.append("command: \(p.command)")
        }
        if let a = c.alignment {
            if let epochs = a.fineTuningEpochs { lines.append("fine-tuned: backbone and head, \(epochs) epochs after the head") }
            lines.append(String(format: "aligned: %d triplets (%@ teacher, cost −Σ %@), RAPL validation loss %.4f (epoch %d, accuracy %.2f); RLHF validation loss %.4f (accuracy %.2f)",
                                a.triplets, a.teacher, a.privilegedCost, a.validationLoss, a.bestEpoch, a.validationAccuracy, a.rlhfValidationLoss, a.rlhfValidationAccuracy))
        } else {
            lines.append("not aligned (heads untrained)")
        }
        return lines.joined(separator: "\n")
    }
}
