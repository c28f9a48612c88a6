import Agents
import Foundation
import SandboxCore
import Rendering
import PhysicsEnvs
import RewardLearning

enum QueriesCommand {
    static let help = """
    usage: sandbox queries make --store FILE.db --task ID [--policy random|heuristic|PATH] [--episodes K]
                                [--segment L] [--pairs N] [--seed S]
           sandbox queries answer --store FILE.db --teacher oracle|noisy|myopic|skip|equal|mistake|hierarchy:FILE.json
                                  [--annotator NAME] [--seed S] [--endings learned|zero|terminal]
           sandbox queries export --store FILE.db FILE.jsonl
           sandbox queries import --store FILE.db FILE.jsonl
           sandbox queries show --store FILE.db

    make    records K episodes with the policy, cuts segments of L steps and stores N uniformly drawn pairs
    answer  answers every pending pair query with a simulated teacher (B-Pref), each answer saved at once;
            hierarchy:FILE.json answers as HERON does, by a ranking of reward terms (sandbox label --ranking);
            steps past a terminated episode's end count its last step again, or 0 with --endings zero|terminal
    export  writes every query with its segments (episode records inline) and answers as JSON Lines
    import  adds the queries of a JSON Lines export (all or nothing)
    show    counts of episodes, queries, answers and pending queries
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard let action = arguments.positional.first else { throw UsageError("queries needs make, answer, export, import or show") }
        guard let storePath = arguments.string("store") else { throw UsageError("queries \(action) needs --store FILE.db") }
        switch action {
        case "make": return try make(&arguments, storePath)
        case "answer": return try answer(&arguments, storePath)
        case "export", "import":
            guard arguments.positional.count == 2 else { throw UsageError("queries \(action) needs a JSON Lines file, e.g. `sandbox queries \(action) --store labels.db labels.jsonl`") }
            try arguments.checkAllUsed()
            let file = URL(fileURLWithPath: arguments.positional[1])
            if action == "export" {
                try prepareOutput(file.path)
                let store = try LabelStore(path: storePath)
                print("exported \(try store.export(to: file)) queries to \(file.path)")
            } else {
                guard FileManager.default.fileExists(atPath: file.path) else { throw UsageError("no file \(file.path) to import") }
                let store = try LabelStore(path: storePath)
                print("imported \(try store.importQueries(from: file)) queries into \(storePath)")
            }
            return 0
        case "show":
            try arguments.checkAllUsed()
            let store = try LabelStore(path: storePath)
            let counts = try store.counts
            print("\(storePath): task \(try store.task ?? "none"), \(counts.episodes) episodes, \(counts.queries) queries, \(counts.answers) answers, \(try store.pendingQueries().count) pending")
            return 0
        default:
            throw UsageError("unknown queries action '\(action)'; use make, answer, export, import or show")
        }
    }

    static func make(_ arguments: inout Arguments, _ storePath: String) throws -> Int32 {
        guard let taskID = arguments.string("task") else { throw UsageError("queries make needs --task ID") }
        let policy = arguments.string("policy") ?? "random"
        let episodes = try arguments.int("episodes", default: 20, minimum: 1)!
        let length = try arguments.int("segment", default: 50, minimum: 1)!
        let pairs = try arguments.int("pairs", default: 100, minimum: 1)!
        let seed = try arguments.seed()
        try arguments.checkAllUsed()
        let environment = try SandboxCLI.tasks.make(taskID)
        let trained = ["random", "heuristic"].contains(policy) ? nil : try Policy.load(from: EvalCommand.policyURL(policy))
        try prepareOutput(storePath)
        let store = try LabelStore(path: storePath)
        var generator = SeededGenerator(seed: seed)
        var segmentIDs: [Int64] = []
        for e in 0..<episodes {
            let episodeSeed = seed &+ UInt64(e)
            let controller: any Controller = trained ?? (policy == "random"
                ? RandomController(space: environment.spec.actionSpace, seed: SeedStream.randomActions.seed(from: episodeSeed)) : environment.makeHeuristic())
            let episode = try Rollout.run(environment, controller: controller, seed: episodeSeed)
            let starts = segmentStarts(episodeLength: episode.record.length, segmentLength: length, terminated: episode.record.terminated)
            guard !starts.isEmpty else { continue }
            let id = try store.add(episode: episode.record)
            for start in starts {
                segmentIDs.append(try store.add(segment: SegmentReference(episode: id, start: start, length: length)))
            }
        }
        guard segmentIDs.count >= 2 else {
            throw UsageError("the episodes were shorter than --segment \(length); use shorter segments or more episodes")
        }
        for _ in 0..<pairs {
            let i = generator.integer(0, segmentIDs.count)
            var j = generator.integer(0, segmentIDs.count - 1)
            if j >= i { j += 1 }
            try store.addQuery(kind: .pair, first: segmentIDs[i], second: segmentIDs[j])
        }
        print("stored \(segmentIDs.count) segments of \(length) steps and \(pairs) pair queries in \(storePath)")
        return 0
    }

    static func answer(_ arguments: inout Arguments, _ storePath: String) throws -> Int32 {
        guard let teacherName = arguments.string("teacher") else { throw UsageError("queries answer needs --teacher NAME") }
        let specification = try TeacherSpecification(parsing: teacherName)
        let annotator = arguments.string("annotator") ?? specification.annotator
        let seed = try arguments.seed()
        let endings = try arguments.endings()
        try arguments.checkAllUsed()
        let teacher = try StoreTeacher(specification, seed: seed, endings: endings, tasks: SandboxCLI.tasks)
        guard FileManager.default.fileExists(atPath: storePath) else { throw UsageError("no label store at \(storePath)") }
        let store = try LabelStore(path: storePath)
        let answered: Int
        do {
            answered = try teacher.answerPending(in: store, as: annotator) { id, answer in
                print("answered query \(id): \(answer.rawValue)")
                fflush(stdout)
            }
        } catch let error as StoreTeacherError {
            throw UsageError(error.description)  // the teacher does not fit the store: a usage error, as before
        }
        print("\(answered) queries answered by \(annotator)")
        return 0
    }
}

enum FitRewardCommand {
    static let help = """
    usage: sandbox fit-reward --store FILE.db --task ID [--ensemble K] [--hidden 256,256,256] [--epochs N]
                              [--observation-only] [--seed S] [--endings learned|zero|terminal|off] [--nonpositive-reward]
                              --out MODEL.safetensors

    Fits a Bradley–Terry reward ensemble (equal answers as 0.5) to the store's answered pair queries,
    prints the held-out label accuracy, and saves the model for `sandbox train --reward model:MODEL`.
    --endings values the steps of segments that run past a termination, as in `sandbox pbrl`; answers
    given with `queries answer --endings zero` are fitted with --endings zero. --nonpositive-reward (with
    --endings zero) holds the reward at or below 0 on every step, as in `sandbox pbrl`.
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard let storePath = arguments.string("store") else { throw UsageError("fit-reward needs --store FILE.db") }
        guard let taskID = arguments.string("task") else { throw UsageError("fit-reward needs --task ID") }
        guard let out = arguments.string("out") else { throw UsageError("fit-reward needs --out MODEL.safetensors") }
        let ensemble = try arguments.int("ensemble", default: 3, minimum: 1)!
        let epochs = try arguments.int("epochs", default: 50, minimum: 1)!
        let seed = try arguments.seed()
        let hidden = try arguments.hiddenSizes(default: [256, 256, 256])
        let observationOnly = arguments.flag("observation-only")
        let endings = try arguments.endings()
        let nonPositive = try arguments.nonPositiveReward(endings: endings)
        try arguments.checkAllUsed()
        guard FileManager.default.fileExists(atPath: storePath) else { throw UsageError("no label store at \(storePath)") }
        try prepareOutput(out)
        let spec = try SandboxCLI.tasks.spec(for: taskID)
        let store = try LabelStore(path: storePath)
        if let storeTask = try store.task, storeTask != spec.id {
            throw UsageError("the store holds \(storeTask) episodes, not \(spec.id)")
        }
        let pairs = try store.labelledPairs(in: SandboxCLI.tasks)
        var generator = SeededGenerator(seed: seed)
        let model = RewardEnsemble(.init(task: spec, usesActions: !observationOnly, hiddenSizes: hidden, ensembleSize: ensemble,
                                         endings: endings, nonPositive: nonPositive), using: &generator)
        var fitter = RewardFitter()
        fitter.configuration.epochs = epochs
        let report = try fitter.fit(model, pairs: pairs, seed: seed)
        try model.save(to: URL(fileURLWithPath: out))
        print(String(format: "fitted %d members on %d pairs (%d held out): held-out accuracy %.3f, final loss %.4f, %.0f pair-updates/s",
                     ensemble, report.trainingPairs, report.heldOutPairs, report.heldOutAccuracy, report.trainingLoss, report.pairUpdatesPerSecond))
        print("model \(out)")
        return 0
    }
}
