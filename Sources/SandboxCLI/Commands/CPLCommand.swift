import Agents
import Foundation
import Rendering
import RewardLearning
import SandboxCore

/// What a CPL run was started with: `config.json` in its run folder.
struct CPLRunConfiguration: Codable {
    var algorithm = "cpl"
    var task: String
    var store: String
    var seed: UInt64
    /// Answered pair queries learned from (equal answers count, skips do not).
    var labelledPairs: Int
    var segments: Int
    var cpl: CPLLearner.Configuration
    var started: String
    var sandboxFormat = 1
}

enum CPLCommand {
    static let help = """
    usage: sandbox cpl --task ID --store FILE.db [--bc-steps N] [--steps N] [--batch N] [--lr X]
                       [--bias L] [--eval-every N] [--eval-episodes K] [--seed S] [--out DIR]

    Contrastive Preference Learning (Hejna et al., ICLR 2024): learns a policy directly from the store's
    answered pair queries, with no reward model and no RL. A segment's score is Σ α·log π(a|s) (α 0.1)
    and a pair's loss −log σ(S⁺ − λ·S⁻), λ (--bias, default 0.5, the conservative CPL; 1 is "CPL (BC)")
    weighting the dispreferred segment; equal answers mix both directions. As in the authors' code the
    policy is a deterministic tanh actor (log π = −‖a − μ(s)‖², 256 × 256 here), trained first by behaviour
    cloning on every labelled segment (--bc-steps, default 2000), then, with a fresh Adam (--lr, default
    3e-4) warmed up over 500 steps, by CPL (--steps, default 8000) on --batch pairs (default 32). Steps
    after an episode's end add nothing to a score. Answers can come from any teacher: `sandbox queries
    answer --teacher oracle` (partial return) or `--teacher regret:EXPERT`, people (`sandbox label`), or
    the store of a `sandbox pbrl` run.
    Writes runs/<task>__cpl__<seed>__<time>/ (or under --out DIR): config.json (the settings, store and
    label count), metrics.jsonl (losses/bc_loss, losses/cpl_loss, losses/cpl_accuracy, eval/return and
    eval/return_std over --eval-episodes deterministic episodes every --eval-every steps, default 5 every
    1000; global_step counts gradient steps), policy.safetensors (for `sandbox eval --policy` and
    `rollout --policy`), learning_curve.png and eval/ (a clip of the final policy). Ctrl-C stops and
    saves the policy so far.
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard let taskID = arguments.string("task") else { throw UsageError("cpl needs --task ID (the store's task, e.g. LunarLanderContinuous)") }
        guard let storePath = arguments.string("store") else { throw UsageError("cpl needs --store FILE.db with answered pair queries (sandbox queries make/answer, or a pbrl run's labels.db)") }
        var settings = CPLLearner.Configuration()
        settings.bcSteps = try arguments.int("bc-steps", default: settings.bcSteps, minimum: 0, maximum: 10_000_000)!
        settings.steps = try arguments.int("steps", default: settings.steps, minimum: 0, maximum: 10_000_000)!
        settings.batchSize = try arguments.int("batch", default: settings.batchSize, minimum: 1, maximum: 4096)!
        settings.evaluationInterval = try arguments.int("eval-every", default: settings.evaluationInterval, minimum: 1)!
        settings.evaluationEpisodes = try arguments.int("eval-episodes", default: settings.evaluationEpisodes, minimum: 1, maximum: 1000)!
        if let text = arguments.string("lr") {
            guard let rate = Float(text), rate > 0, rate < 1 else { throw UsageError("--lr takes a learning rate between 0 and 1, e.g. 0.0003; got '\(text)'") }
            settings.learningRate = rate
        }
        if let text = arguments.string("bias") {
            guard let bias = Float(text), bias >= 0, bias <= 1 else { throw UsageError("--bias takes λ from 0 to 1 (0.5: CPL, 1: CPL (BC)); got '\(text)'") }
            settings.contrastiveBias = bias
        }
        let seed = try arguments.seed()
        let out = arguments.string("out") ?? "runs"
        try arguments.checkAllUsed()
        guard settings.bcSteps + settings.steps > 0 else { throw UsageError("cpl has nothing to do with --bc-steps 0 --steps 0; give one of them steps") }

        let spec = try SandboxCLI.tasks.spec(for: taskID)
        guard FileManager.default.fileExists(atPath: storePath) else { throw UsageError("no label store at \(storePath); make one with sandbox queries make --store \(storePath) --task \(spec.id)") }
        let store = try LabelStore(path: storePath)
        if let storeTask = try store.task, storeTask != spec.id {
            throw UsageError("the store holds \(storeTask) episodes, not \(spec.id); use --task \(storeTask)")
        }
        guard spec.actionSpace.box != nil else { throw UsageError("cpl learns continuous actions; \(spec.id) has discrete ones") }
        let pairs = try store.labelledPairs(in: SandboxCLI.tasks)
        let environment = try SandboxCLI.tasks.make(spec.id)
        let learner = try CPLLearner(task: spec, options: environment.options, pairs: pairs, configuration: settings, seed: seed)

        let run = try RunDirectory.create(under: URL(fileURLWithPath: out), task: spec.name, algorithm: "cpl", seed: seed)
        let configuration = CPLRunConfiguration(task: spec.id, store: store.path, seed: seed, labelledPairs: pairs.count,
                                                segments: learner.segments.count, cpl: settings,
                                                started: ISO8601DateFormatter().string(from: Date()))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeAtomically(try encoder.encode(configuration), to: run.configurationFile)
        let log = try MetricsLog(file: run.metricsFile)
        print("cpl on \(spec.id): \(pairs.count) labelled pairs, \(learner.segments.count) segments from \(store.path); "
              + "\(settings.bcSteps) behaviour-cloning + \(settings.steps) CPL steps → \(run.url.path)")
        fflush(stdout)

        signal(SIGINT) { _ in interruptRequested = 1; signal(SIGINT, SIG_DFL) }
        // Evaluation seeds are apart from any stored episode's (runs use small seeds).
        let evaluationSeed = seed &+ TrainingSession.evaluationSeedOffset
        let progress = ProgressBar("cpl \(spec.id)", total: learner.totalSteps)
        var lastReturn: Double?
        func evaluate() throws {
            let (mean, std) = try learner.evaluate(in: SandboxCLI.tasks, episodes: settings.evaluationEpisodes, seed: evaluationSeed)
            try log.append(["global_step": Double(learner.step), "eval/return": mean, "eval/return_std": std])
            lastReturn = mean
            progress.status = String(format: "eval return %.1f", mean)
        }
        try evaluate()
        var pending: [String: Double] = [:]
        while learner.step < learner.totalSteps {
            if interruptRequested != 0 {
                try save(learner, run: run, spec: spec, seed: seed)
                print("\nstopped at step \(learner.step) of \(learner.totalSteps); the policy so far is \(run.policyFile.path)")
                return 130
            }
            let metrics = learner.trainStep()
            for (k, v) in metrics { pending[k, default: 0] += v }
            pending["count", default: 0] += 1
            // One metrics line per 50 steps: the means of their losses.
            if learner.step % 50 == 0 || learner.step == learner.totalSteps {
                let n = pending.removeValue(forKey: "count") ?? 1
                var line = pending.mapValues { $0 / n }
                line["global_step"] = Double(learner.step)
                try log.append(line)
                pending = [:]
                progress.advance(by: learner.step - progress.completed)
            }
            if learner.step % settings.evaluationInterval == 0 || learner.step == learner.totalSteps || learner.step == settings.bcSteps {
                try evaluate()
            }
        }
        progress.finish()
        try save(learner, run: run, spec: spec, seed: seed)
        try writeClip(learner.policy, run: run, seed: evaluationSeed, step: learner.step)
        print(String(format: "done: %d steps; true return %.2f (mean of %d deterministic episodes; for more: sandbox eval --policy %@ --episodes 10)",
                     learner.step, lastReturn ?? .nan, settings.evaluationEpisodes, run.url.path))
        print("policy  \(run.policyFile.path)")
        print("curve   \(run.learningCurve.path)")
        return 0
    }

    static func save(_ learner: CPLLearner, run: RunDirectory, spec: TaskSpec, seed: UInt64) throws {
        try learner.policy.save(to: run.policyFile)
        let metrics = run.readMetrics()
        func series(_ key: String, _ label: String) -> LinePlot.Series {
            .init(label: label, points: metrics.compactMap { m in m[key].map { (m["global_step"] ?? 0, $0) } })
        }
        try LinePlot(title: "\(spec.id) · CPL · seed \(seed) (behaviour cloning to step \(learner.configuration.bcSteps))",
                     xLabel: "gradient steps", yLabel: "true return", series: [series("eval/return", "evaluation return")])
            .writePNG(to: run.learningCurve.path)
    }

    static func writeClip(_ policy: Policy, run: RunDirectory, seed: UInt64, step: Int) throws {
        let environment = try policy.makeEnvironment(in: SandboxCLI.tasks)
        let size = try RenderSize(width: environment.spec.renderWidth / 2, height: environment.spec.renderHeight / 2)
        let episode = try Rollout.run(environment, controller: policy, seed: seed, renderSize: size)
        try GIFWriter.write(episode.frames, to: run.evaluationClip(step: step).path, framesPerSecond: environment.spec.framesPerSecond)
    }
}
