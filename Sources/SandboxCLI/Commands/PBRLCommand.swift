import Agents
import Foundation
import SandboxCore
import Rendering
import PhysicsEnvs
import RewardLearning

enum PBRLCommand {
    static let help = """
    usage: sandbox pbrl --task ID --algo sac|ppo --teacher oracle|noisy|myopic|skip|equal|mistake|regret:EXPERT|human
                        [--labels N] [--per-round N] [--segment L] [--sampler uniform|disagreement|entropy]
                        [--steps N] [--seed S] [--store FILE.db] [--out DIR] [--ensemble K] [--endings learned|zero|terminal|off]
                        [--demonstrations K] [--demonstration-share F] [--ending-share F] [--feedback-fraction F]
                        [--nonpositive-reward | --reward-offset free|agent-median] [--hyperparameter KEY=VALUE ...]
           sandbox pbrl --resume RUN_DIR [--steps N]

    Preference-based RL: PEBBLE (--algo sac: state-entropy pre-training, then SAC on the learned reward,
    relabelling its replay buffer after each refit) or PrefPPO (--algo ppo). In each feedback round the
    current policy's episodes are stored, cut into segments, paired by the sampler and answered; the
    Bradley–Terry ensemble is refitted on every answer so far. Labels are asked within the first 90%
    (PEBBLE) or half (PrefPPO) of training (--feedback-fraction). Writes a run folder as `sandbox train` does, with pbrl/* metrics (labels, label accuracy,
    Pearson and Spearman correlation of learned and true segment returns) and charts/true_return, plus
    pbrl.json (teacher, endings, ensemble size, label store and the loop's settings) and reward_model.safetensors.
    With --teacher human the queries are written to the label store and training goes on; answer them
    in another terminal with `sandbox label --store FILE.db` (the window) or `sandbox label --store
    FILE.db --terminal`. The reward is refitted whenever new answers arrive (any annotator's), and a new
    round of queries waits until fewer than --per-round are unanswered. Until the first answers arrive,
    PEBBLE keeps exploring with its state-entropy reward.
    --teacher regret:EXPERT (a policy file or run folder of `sandbox train` on the task) answers as Knox
    et al. 2022's regret teacher: the segment with the lower regret V(s₀) − (Σ r + V(s_end)) under the
    expert is preferred, V computed exactly by replaying the episode and letting the expert finish it
    (`sandbox regret teacher` shows the values). Steps after a termination are worth 0 to it.
    --endings says what the steps after a termination are worth (a segment can run past an episode's end):
      learned  the model learns the ended state's reward and the teacher counts the last reward on each
               such step; at a termination the agent receives γ/(1 − γ) times the ended state's reward;
      zero     they are worth 0, to the model, the teacher and the agent (the task's own convention);
               the reward is scaled for the agent, and shifted only by --reward-offset (the default:
               the best measured on the lander, bench/RESULTS.md);
      terminal as zero, plus a learned reward for reaching the ended state, counted once where a segment
               reaches its episode's termination and paid to the agent once at each termination;
      off      as learned, but the agent receives nothing at a termination (as in earlier versions).
    --demonstrations K adds K episodes of the task's built-in heuristic controller to each round's query
    pool (default 0), so that the teacher also compares the agent's clips with successful ones, as Ibarz
    et al. 2018 add demonstrations to preference queries. Their queries count against --labels; the
    pbrl/demonstration_queries metric says how many each round asked. This is no longer plain PEBBLE or
    PrefPPO: report it apart.
    --demonstration-share F (with --demonstrations) makes a fixed fraction F of each round's queries pair
    a demonstration segment with one of the agent's, chosen by the sampler among such pairs; the rest
    pair the agent's own segments. Without it the demonstration segments only join the pool, and
    PEBBLE, whose pool holds its last 100 episodes, asks about them in about 3% of its queries.
    --ending-share F makes a fraction F of the queries among the agent's own segments pair a segment that
    reaches its episode's end (a crash, a landing) with one that does not (default 0.5 for PEBBLE, 0 for
    PrefPPO; 0 draws pairs from the whole pool). Under --endings zero only such segments tell the model whether staying in the air pays,
    and once the agent stops crashing they are rare in the pool. It uses only the agent's own episodes,
    so the loop stays plain PEBBLE / PrefPPO; pbrl/ending_queries counts each round's queries that show
    an ending.
    --nonpositive-reward (with --endings zero) holds the learned reward at or below 0 on every step
    (−softplus of each network's output), so that no step is worth more than having ended. A segment
    that ends early can then lose a comparison only through its own steps (the crash is paid for at the
    crash), and the agent is never paid just for keeping its episode going, which is what makes it hover
    on the lander when the offset is left free. On the lander it stops the hovering, but a quick crash then
    costs about as much as a landing (bench/RESULTS.md), so it is off by default. Recorded in pbrl.json
    and in the reward model.
    --reward-offset agent-median (with --endings zero) shifts the learned reward after every refit so
    that the median step of the agent's recent episodes (its query candidates) is worth 0, what having
    ended is worth. Doing what it usually does then neither pays nor costs per step, steps the model
    ranks above that (a landing) pay and steps below it (a crash) cost; the zero point moves up as the
    agent improves. pbrl/reward_offset logs each shift. It is PEBBLE's default with --endings zero; free,
    PrefPPO's default, keeps the fit's offset.
    --feedback-fraction F (default 0.9 for PEBBLE, 0.5 for PrefPPO as in B-Pref) asks every label within the first F of training (after
    PEBBLE's pre-training), in evenly spaced rounds; the agent then trains on the final reward.
    --resume RUN_DIR continues a run stopped with Ctrl-C (or killed) from its last checkpoint, with its
    label store, labels, answers and schedule (pbrl_state.json); --steps raises the budget. SAC's replay
    buffer is not in checkpoints, so PEBBLE refills it after a resume, as `sandbox train --resume` does.
    --hyperparameter KEY=VALUE sets one of the agent's hyperparameters, as for `sandbox train` (repeatable).
    The Zoo's SAC for the lander anneals its learning rate to 0 by the last step; pbrl's PEBBLE keeps it
    constant, as Lee et al. 2021 do (annealLearningRate=false; =true anneals).
    PEBBLE's defaults (ending share, feedback fraction, offset, constant rate) are the plain recipe that
    passed 200 on the lander (bench/RESULTS.md). B-Pref's PEBBLE is --ending-share 0 --feedback-fraction 0.5
    --reward-offset free --hyperparameter annealLearningRate=true.
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        if let resume = arguments.string("resume") { return try self.resume(resume, &arguments) }
        guard let taskID = arguments.string("task") else { throw UsageError("pbrl needs --task ID") }
        let algorithm = try arguments.algorithm(for: "pbrl", hint: "--algo sac (PEBBLE) or --algo ppo (PrefPPO)")
        guard let teacherName = arguments.string("teacher") else { throw UsageError("pbrl needs --teacher NAME or --teacher human") }
        let teacher = try TeacherSpecification(parsing: teacherName)
        if case .hierarchy = teacher { throw UsageError("pbrl's --teacher is a simulated teacher or human; a hierarchy answers stored queries (sandbox queries answer --teacher \(teacherName))") }
        var loop = PreferenceLoop.Configuration()
        loop.totalLabels = try arguments.int("labels", default: 1000, minimum: 1, maximum: 1_000_000)!
        loop.labelsPerRound = try arguments.int("per-round", default: Swift.min(100, loop.totalLabels), minimum: 1, maximum: 100_000)!
        loop.segmentLength = try arguments.int("segment", default: 50, minimum: 1, maximum: 10_000)!
        if let sampler = arguments.string("sampler") {
            guard let s = QuerySampler(rawValue: sampler) else { throw UsageError("unknown sampler '\(sampler)'; use uniform, disagreement or entropy") }
            loop.sampler = s
        }
        loop.demonstrationsPerRound = try arguments.int("demonstrations", default: 0, minimum: 0, maximum: 1000)!
        loop.demonstrationShare = try arguments.fraction("demonstration-share", default: 0)
        if loop.demonstrationShare > 0, loop.demonstrationsPerRound == 0 {
            throw UsageError("--demonstration-share needs demonstrations to pair with: add --demonstrations K (for example 1)")
        }
        let defaults = PreferenceRecipe(algorithm: algorithm)
        loop.endingShare = try arguments.fraction("ending-share", default: defaults.endingShare, allowingZero: true)
        loop.feedbackFraction = try arguments.fraction("feedback-fraction", default: defaults.feedbackFraction)
        let ensembleSize = try arguments.int("ensemble", default: 3, minimum: 1, maximum: 64)!
        let endings = try arguments.endings()
        let nonPositive = try arguments.nonPositiveReward(endings: endings)
        loop.rewardOffset = try arguments.rewardOffset(endings: endings, nonPositive: nonPositive, default: defaults.rewardOffset)
        let seed = try arguments.seed()
        let out = arguments.string("out") ?? "runs"
        let storePath = arguments.string("store")
        let stepsOverride = try arguments.int("steps", minimum: 1)
        let hyperparameters = arguments.strings("hyperparameter")
        try arguments.checkAllUsed()

        let spec = try SandboxCLI.tasks.spec(for: taskID)
        let total = stepsOverride ?? algorithm.defaultSteps(task: spec.name)
        var generator = SeededGenerator(seed: SeedStream.rewardModel.seed(from: seed))
        let model = RewardEnsemble(.init(task: spec, ensembleSize: ensembleSize, endings: endings, nonPositive: nonPositive),
                                   using: &generator)
        let agent = try TrainCommand.setHyperparameters(hyperparameters,
                                                        of: defaults.agentSettings(for: spec.name, pretrainingSteps: loop.pretrainingSteps))
        let configuration = RunConfiguration(task: spec.id, agent: agent, seed: seed, totalSteps: total,
                                             reward: .preferenceLoop(teacher: teacher.description, labels: loop.totalLabels), taskOptions: [:],
                                             checkpointInterval: Swift.max(total / 10, 1), started: ISO8601DateFormatter().string(from: Date()))
        // The trainer is made before the run folder, so that bad settings leave no half-made folder.
        let trainer = try configuration.makeTrainer(tasks: SandboxCLI.tasks, reward: .model(model))
        let name = algorithm == .sac ? "pebble" : "prefppo"
        // A store given with --store is opened (and checked) before the run folder is made.
        let givenStore = try storePath.map { try LabelStore(path: $0) }
        let answerer = try teacher.makeAnswerer(seed: seed, endings: endings, tasks: SandboxCLI.tasks)
        let run = try RunDirectory.create(under: URL(fileURLWithPath: out), task: spec.name, algorithm: name, seed: seed)
        let (store, preference) = try run.removingIfUnstarted {
            let store = try givenStore ?? LabelStore(path: run.url.appendingPathComponent("labels.db").path)
            try run.write(configuration)
            // The run's own store is recorded by its name, so that a copied or moved run folder still resumes.
            let recorded = givenStore == nil ? "labels.db" : store.path
            try PreferenceRunSettings(teacher: teacher, endings: endings, nonPositiveReward: nonPositive, ensembleSize: ensembleSize,
                                      store: recorded, loop: loop)
                .write(to: run.url)
            let preference = try PreferenceLoop(trainer: trainer, model: model, store: store, answerer: answerer,
                                                configuration: loop, totalSteps: total, seed: seed, tasks: SandboxCLI.tasks)
            try preference.progress.write(to: run.url)
            return (store, preference)
        }
        print("\(name) on \(spec.id): \(loop.totalLabels) labels from \(answerer.annotator), \(total) steps → \(run.url.path)")
        print("label store \(store.path)")
        if algorithm == .sac, total <= loop.pretrainingSteps {
            print("note: PEBBLE pre-trains for \(loop.pretrainingSteps) steps before its first feedback round, so this run of \(total) steps asks no query and fits no reward; give --steps above \(loop.pretrainingSteps) to learn one")
        }
        if case .ppo(let ppo) = agent { TrainCommand.printRolloutRounding(ppo, budget: total) }
        return try train(preference, run: run, configuration: configuration, name: "\(name) \(spec.id)")
    }

    /// `pbrl --resume RUN_DIR [--steps N]`: the run's agent from its last checkpoint, its reward model,
    /// label store and loop state, then training on as before.
    static func resume(_ path: String, _ arguments: inout Arguments) throws -> Int32 {
        let stepsOverride = try arguments.int("steps", minimum: 1)
        try arguments.checkAllUsed()
        let run = RunDirectory(url: URL(fileURLWithPath: path))
        guard FileManager.default.fileExists(atPath: run.url.appendingPathComponent(PreferenceRunSettings.fileName).path) else {
            throw UsageError("\(path) is not a run folder of `sandbox pbrl` (it has no \(PreferenceRunSettings.fileName)); a `sandbox train` run resumes with `sandbox train --resume \(path)`")
        }
        var configuration = try run.readConfiguration()
        if let stepsOverride { configuration.totalSteps = stepsOverride }
        let settings = try PreferenceRunSettings.read(from: run.url)
        guard FileManager.default.fileExists(atPath: run.latestCheckpoint.path) else {
            throw UsageError("\(path) has no checkpoints/latest.safetensors to resume from; start the run again")
        }
        let progress = try PreferenceLoop.Progress.read(from: run.url)
        let spec = try SandboxCLI.tasks.spec(for: configuration.task)
        let modelFile = run.url.appendingPathComponent("reward_model.safetensors")
        let model: RewardEnsemble
        if progress.fitted {
            model = try RewardEnsemble.load(from: modelFile)
        } else {
            var generator = SeededGenerator(seed: SeedStream.rewardModel.seed(from: configuration.seed))
            model = RewardEnsemble(.init(task: spec, ensembleSize: settings.ensembleSize, endings: settings.endings,
                                         nonPositive: settings.nonPositiveReward ?? false), using: &generator)
        }
        let trainer = try configuration.makeTrainer(tasks: SandboxCLI.tasks, reward: .model(model))
        try trainer.loadState(from: run.latestCheckpoint)
        // A relative store path is the run's own (`labels.db`), inside the run folder.
        let storePath = settings.store.hasPrefix("/") ? settings.store : run.url.appendingPathComponent(settings.store).path
        guard FileManager.default.fileExists(atPath: storePath) else {
            throw UsageError("the run's label store \(storePath) is missing; restore it to resume (the run's answers are there)")
        }
        let store = try LabelStore(path: storePath)
        let answerer = try settings.teacher.makeAnswerer(seed: configuration.seed, endings: settings.endings, tasks: SandboxCLI.tasks)
        let preference = try PreferenceLoop(trainer: trainer, model: model, store: store, answerer: answerer,
                                            configuration: settings.loop, totalSteps: configuration.totalSteps,
                                            seed: configuration.seed, tasks: SandboxCLI.tasks)
        try preference.resume(from: progress)
        guard trainer.globalStep < configuration.totalSteps else {
            throw UsageError("\(path) already trained its \(configuration.totalSteps) steps; give a larger budget to go on, e.g. --steps \(configuration.totalSteps * 2)")
        }
        try run.write(configuration)
        let name = configuration.agent.algorithm == .sac ? "pebble" : "prefppo"
        print("resuming \(run.url.path) at step \(trainer.globalStep) of \(configuration.totalSteps), round \(progress.round), \(progress.labelsUsed) of \(settings.loop.totalLabels) labels asked")
        print("label store \(store.path)")
        return try train(preference, run: run, configuration: configuration, name: "\(name) \(spec.id)")
    }

    /// Trains with the preference loop to the budget or a Ctrl-C, saving the loop's state and reward
    /// model with every checkpoint, and reports.
    static func train(_ preference: PreferenceLoop, run: RunDirectory, configuration: RunConfiguration, name: String) throws -> Int32 {
        let trainer = preference.trainer, model = preference.model, answerer = preference.answerer
        let modelFile = run.url.appendingPathComponent("reward_model.safetensors")
        if answerer.answersLater {
            print("answer the queries in another terminal: sandbox label --store \(preference.store.path)   (or add --terminal without a display)")
        }
        fflush(stdout)
        signal(SIGINT) { _ in interruptRequested = 1; signal(SIGINT, SIG_DFL) }
        let session = try TrainingSession(trainer: trainer, run: run, configuration: configuration, tasks: SandboxCLI.tasks)
        /// A model is saved only once it has been fitted, so that no file passes an unfitted one off as learned.
        func saveModel() throws {
            if preference.hasFitted { try model.save(to: modelFile) }
        }
        session.beforeIteration = {
            let metrics = try preference.beforeIteration()
            if !metrics.isEmpty { try saveModel() }
            return metrics
        }
        session.afterCheckpoint = {
            try saveModel()
            try preference.progress.write(to: run.url)
        }
        let progress = ProgressBar(name, total: configuration.stepsToRun)
        progress.resume(at: trainer.globalStep)
        let finished = try session.run(shouldStop: { interruptRequested != 0 }, progress: progress)
        if !finished {
            print("\nstopped at step \(trainer.globalStep) with \(preference.labelsUsed) labels; checkpoint written. Continue with: sandbox pbrl --resume \(run.url.path)")
            return 130
        }
        guard preference.hasFitted else {
            let why = preference.labelsUsed == 0 ? "no query was due yet (the run ended before its first feedback round)"
                : "\(preference.labelsUsed) queries were asked but no usable answer arrived"
            print("done: \(trainer.globalStep) steps; \(why), so no reward model was fitted and none is saved, and the agent trained on an unfitted reward."
                  + (preference.labelsUsed == 0 ? "" : " Answer the queries (sandbox label --store \(preference.store.path)) and continue with: sandbox pbrl --resume \(run.url.path) --steps N"))
            return 0
        }
        let metrics = run.readMetrics()
        let accuracy = metrics.last(where: { $0["pbrl/label_accuracy"] != nil })?["pbrl/label_accuracy"] ?? .nan
        print(String(format: "done: %d steps, %d labels asked, %d answered, label accuracy %.3f, ",
                     trainer.globalStep, preference.labelsUsed, answerer.answersLater ? preference.answersReceived : preference.labelsUsed,
                     accuracy) + (run.evaluationSummary(from: metrics) ?? "no evaluation episode"))
        print("reward model \(modelFile.path)")
        return 0
    }
}

extension Arguments {
    /// `--endings learned|zero|terminal|off` (default zero): how steps after a termination are valued.
    mutating func endings() throws -> Endings {
        let name = string("endings") ?? Endings.zero.rawValue
        guard let endings = Endings(rawValue: name) else { throw UsageError("--endings is learned, zero, terminal or off, not '\(name)'") }
        return endings
    }

    /// `--nonpositive-reward`: whether the learned reward is held at or below 0, which only `--endings
    /// zero` gives a meaning (absorbing steps worth 0 are then the ceiling).
    mutating func nonPositiveReward(endings: Endings) throws -> Bool {
        let nonPositive = flag("nonpositive-reward")
        if nonPositive, endings != .zero {
            throw UsageError("--nonpositive-reward holds rewards below the 0 that ended episodes are worth, so it needs --endings zero, not \(endings.rawValue)")
        }
        return nonPositive
    }

    /// `--reward-offset free|agent-median`, which only `--endings zero` gives a meaning. Without the
    /// option: `fallback` where it can apply (zero endings, no `--nonpositive-reward`), otherwise free.
    mutating func rewardOffset(endings: Endings, nonPositive: Bool, default fallback: RewardOffset = .free) throws -> RewardOffset {
        guard let name = string("reward-offset") else { return endings == .zero && !nonPositive ? fallback : .free }
        guard let offset = RewardOffset(rawValue: name) else {
            throw UsageError("--reward-offset is free or agent-median, not '\(name)'")
        }
        guard offset == .agentMedian else { return offset }
        if endings != .zero {
            throw UsageError("--reward-offset agent-median sets steps against the 0 that ended episodes are worth, so it needs --endings zero, not \(endings.rawValue)")
        }
        if nonPositive {
            throw UsageError("--reward-offset agent-median and --nonpositive-reward both set the reward's offset; choose one")
        }
        return offset
    }
}
