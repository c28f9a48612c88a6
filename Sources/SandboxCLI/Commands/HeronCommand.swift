import Agents
import Foundation
import RewardLearning
import SandboxCore

enum HeronCommand {
    static let help = """
    usage: sandbox heron --task ID --algo ppo|sac [--ranking "landing+crash>distance>speed>tilt>main_engine+side_engine" | --hierarchy H.json]
                         [--margins 1,1,0.5,0.5] [--margin-scope buffer|batch|absolute] [--unit transition|segment]
                         [--segment L] [--pairs all|random] [--input observation|observation-terms] [--ties-equal]
                         [--endings learned|off] [--raw-output] [--steps N] [--seed S] [--out DIR] [--hyperparameter KEY=VALUE ...]

    HERON (Bukharin et al., arXiv 2309.02632): the agent learns from a reward model trained on the
    decisions of a comparison tree over a ranking of the task's reward terms, instead of a weighted sum.
    Two of the agent's own transitions (or segments, --unit segment of --segment L steps, default 25)
    are compared on the most important level first; the one that exceeds the other there by more than
    the level's margin wins, otherwise the next level decides; a pair that ties on every level is
    dropped (--ties-equal counts it as equal). The model (MLP 256-256-1, Bradley–Terry) is retrained
    from step 1,000 every 400 steps (the authors' code), on 16 minibatches of 16 samples compared in
    all pairs (--pairs all: 120 per minibatch) or each against one random partner (--pairs random).
    --ranking     levels from most to least important, separated by >; terms of one level joined by +;
                  a leading - on a level whose smaller values are better. Default: the task's ranking
                  (lander: landing+crash>distance>speed>tilt>main_engine+side_engine; walker:
                  fall>forward>head_angle>motor_torque). See `sandbox tasks` for each task's terms.
    --hierarchy   a ranking file written by `sandbox label --ranking` (its margins unless --margins).
    --margins     one margin per level, or one for all (default 1); with --margin-scope buffer (default)
                  or batch a margin is σ, and δ = σ × the level's standard deviation over everything
                  seen or over the minibatch; with absolute it is δ in reward units.
    --input       the model's input: the observation (default) or the observation with the step's
                  term values.
    --endings     with --unit segment: learned (default) lets a segment run past a termination, its
                  later steps absorbing (worth 0 to the tree, as to the task), so the model learns what an
                  ended state is worth and the agent receives γ/(1 − γ) times it at a termination; off
                  stops segments at episode ends. (Single transitions cannot value an ending.)
    --raw-output  gives the agent the model's raw output instead of standardising it.
    Writes a run folder like `sandbox train`: config.json, hierarchy.json, metrics.jsonl (charts/true_return,
    terms/<name> per-episode sums, heron/decided_level_<k> and heron/dropped: the share of pairs decided
    at each level and dropped, heron/rm_loss and heron/rm_accuracy), heron_model.safetensors, a learning
    curve and checkpoints.
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard let taskID = arguments.string("task") else { throw UsageError("heron needs --task ID (see `sandbox tasks`)") }
        let algorithm = try arguments.algorithm(for: "heron")
        let spec = try SandboxCLI.tasks.spec(for: taskID)
        let rankingText = arguments.string("ranking")
        let hierarchyPath = arguments.string("hierarchy")
        if rankingText != nil && hierarchyPath != nil { throw UsageError("give --ranking or --hierarchy, not both") }
        let margins = try arguments.string("margins").map { text -> [Double] in
            let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.isEmpty, values.allSatisfy({ ($0 ?? -1).isFinite && ($0 ?? -1) >= 0 }) else {
                throw UsageError("--margins takes numbers ≥ 0 separated by commas, one per level or one for all, e.g. 1,1,0.5; got '\(text)'")
            }
            return values.map { $0! }
        }
        let scope = try arguments.choice("margin-scope", of: RewardHierarchy.MarginScope.self)
        var loop = HeronLoop.Configuration()
        loop.unit = try arguments.choice("unit", of: HeronLoop.Configuration.Unit.self) ?? .transition
        loop.segmentLength = try arguments.int("segment", default: loop.segmentLength, minimum: 1, maximum: 10_000)!
        loop.pairing = try arguments.choice("pairs", of: HeronLoop.Configuration.Pairing.self) ?? .all
        loop.input = try arguments.choice("input", of: HeronLoop.Configuration.Input.self) ?? .observation
        loop.tiesAsEqual = arguments.flag("ties-equal")
        if let endings = arguments.string("endings") {
            guard endings == "learned" || endings == "off" else { throw UsageError("--endings is learned or off, not '\(endings)'") }
            loop.endings = endings == "learned" ? .learned : .off
        }
        loop.normalizeOutput = !arguments.flag("raw-output")
        let seed = try arguments.seed()
        let stepsOverride = try arguments.int("steps", minimum: 1)
        let out = arguments.string("out") ?? "runs"
        let hyperparameters = arguments.strings("hyperparameter")
        try arguments.checkAllUsed()

        var hierarchy: RewardHierarchy
        if let hierarchyPath {
            hierarchy = try RewardHierarchy.read(from: URL(fileURLWithPath: hierarchyPath), tasks: SandboxCLI.tasks)
            guard hierarchy.task == spec.id else {
                throw UsageError("\(hierarchyPath) ranks the terms of \(hierarchy.task), not \(spec.id); rank \(spec.id)'s with sandbox label --ranking --task \(spec.id)")
            }
            if let margins {
                guard margins.count == 1 || margins.count == hierarchy.levels.count else {
                    throw UsageError("\(margins.count) margins for the \(hierarchy.levels.count) levels of \(hierarchyPath); give one per level, or one for all")
                }
                for l in hierarchy.levels.indices { hierarchy.levels[l].margin = margins.count == 1 ? margins[0] : margins[l] }
            }
            if let scope { for l in hierarchy.levels.indices { hierarchy.levels[l].scope = scope } }
        } else {
            guard let text = rankingText ?? RewardHierarchy.defaultRanking(for: spec.name) else {
                throw UsageError("\(spec.id) has no default ranking; give --ranking, e.g. \(spec.rewardTerms.joined(separator: ">")) (its terms: \(spec.rewardTerms.joined(separator: ", ")))")
            }
            hierarchy = try RewardHierarchy(ranking: text, task: spec, margins: margins ?? [], scope: scope ?? .buffer)
        }
        let agent = try TrainCommand.setHyperparameters(hyperparameters, of: AgentSettings.tuned(algorithm, for: spec.name))
        let total = stepsOverride ?? algorithm.defaultSteps(task: spec.name)
        let configuration = RunConfiguration(task: spec.id, agent: agent, seed: seed, totalSteps: total,
                                             reward: .hierarchy(ranking: hierarchy.rankingText), taskOptions: [:],
                                             checkpointInterval: Swift.max(total / 10, 1), started: ISO8601DateFormatter().string(from: Date()))
        let rewardModel = HeronLoop.makeRewardModel(task: spec, configuration: loop, seed: seed)
        let trainer = try configuration.makeTrainer(tasks: SandboxCLI.tasks, reward: .model(rewardModel))
        let heron = HeronLoop(trainer: trainer, hierarchy: hierarchy, rewardModel: rewardModel, configuration: loop, seed: seed)
        let run = try RunDirectory.create(under: URL(fileURLWithPath: out), task: spec.name, algorithm: "heron-\(algorithm.rawValue)", seed: seed)
        let session = try run.removingIfUnstarted {
            try run.write(configuration)
            try hierarchy.write(to: run.url.appendingPathComponent("hierarchy.json"))
            return try TrainingSession(trainer: trainer, run: run, configuration: configuration, tasks: SandboxCLI.tasks)
        }
        let modelFile = run.url.appendingPathComponent("heron_model.safetensors")
        print("heron on \(spec.id) with \(algorithm.displayName): \(hierarchy.levels.map { describe($0) }.joined(separator: " > ")); \(total) steps → \(run.url.path)")
        if case .ppo(let ppo) = agent { TrainCommand.printRolloutRounding(ppo, budget: total) }
        fflush(stdout)
        signal(SIGINT) { _ in interruptRequested = 1; signal(SIGINT, SIG_DFL) }
        var lastTerms: [String: Double] = [:]
        session.beforeIteration = {
            let metrics = try heron.beforeIteration()
            for (key, value) in metrics where key.hasPrefix("terms/") { lastTerms[String(key.dropFirst(6))] = value }
            return metrics
        }
        session.afterCheckpoint = { if heron.retrainings > 0 { try rewardModel.model.save(to: modelFile) } }
        let progress = ProgressBar("heron \(spec.id)", total: configuration.stepsToRun)
        let finished = try session.run(shouldStop: { interruptRequested != 0 }, progress: progress)
        if !finished {
            print("\nstopped at step \(trainer.globalStep); checkpoint written")
            return 130
        }
        print("done: \(trainer.globalStep) steps, \(heron.retrainings) retrainings; " + (run.evaluationSummary(from: run.readMetrics()) ?? "no evaluation episode"))
        if !lastTerms.isEmpty {
            print("per-episode term sums of the last episodes: " + spec.rewardTerms.compactMap { name in lastTerms[name].map { String(format: "%@ %.2f", name, $0) } }.joined(separator: ", "))
        }
        print(heron.retrainings > 0 ? "reward model \(modelFile.path)" : "the run ended before the first retraining (step 1,000); no reward model saved")
        return 0
    }

    static func describe(_ level: RewardHierarchy.Level) -> String {
        let unit = level.scope == .absolute ? "δ \(level.margin.plainText)" : "δ \(level.margin.plainText)σ (\(level.scope.rawValue))"
        return "\(level.term) [\(unit)]"
    }
}

extension Arguments {
    /// `--name VALUE` for a choice among a type's raw values; nil when absent.
    mutating func choice<T: RawRepresentable & CaseIterable>(_ name: String, of type: T.Type) throws -> T? where T.RawValue == String {
        guard let text = string(name) else { return nil }
        guard let value = T(rawValue: text) else {
            throw UsageError("--\(name) is \(T.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'")
        }
        return value
    }
}
