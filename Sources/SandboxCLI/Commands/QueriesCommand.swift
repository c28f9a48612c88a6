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
           sandbox queries answer --store FILE.db --teacher oracle|noisy|myopic|skip|equal|mistake|hierarchy:FILE.json|regret:EXPERT
                                  [--annotator NAME] [--seed S] [--endings learned|zero|terminal] [--verbose]
           sandbox queries export --store FILE.db FILE.jsonl
           sandbox queries import --store FILE.db FILE.jsonl
           sandbox queries show --store FILE.db

    make    records K episodes with the policy, cuts segments of L steps and stores N distinct pairs drawn
            uniformly, never a pair the store already holds (either way round); checks everything before
            writing, and makes the store if it is missing
    answer  answers the pair queries the annotator has not answered with a simulated teacher (B-Pref), each
            answer saved at once; an annotator answers a query once, so a second run answers only what is
            left; one summary line, or a line per answer with --verbose.
            hierarchy:FILE.json answers as HERON does, by a ranking of reward terms (sandbox label --ranking);
            steps past a terminated episode's end count its last step again, or 0 with --endings zero|terminal;
            regret:EXPERT (a run folder or policy file of `sandbox train`) prefers the segment with the lower
            regret V(s₀) − (Σ r + V(s_end)) under that expert (Knox et al. 2022; steps past an end are 0)
    export  writes every query with its segments (episode records inline) and answers as JSON Lines
    import  adds the queries of a JSON Lines export (all or nothing; a bad line is reported as FILE:LINE);
            a query already in the store (same kind, episodes and segments) is not added again
    show    counts of episodes, queries, answers and pending queries

    Only make and import create a store; the other actions need an existing one.
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
                let store = try openExistingStore(storePath)
                try prepareOutput(file.path)
                print("exported \(try store.export(to: file)) queries to \(file.path)")
            } else {
                guard FileManager.default.fileExists(atPath: file.path) else { throw UsageError("no file \(file.path) to import") }
                // Every line is checked before the store is opened (or made).
                let batch = try QueryImport.read(from: file, tasks: SandboxCLI.tasks)
                let summary = try openOrMakeStore(storePath).importQueries(batch)
                let answers = summary.answersToNewQueries + summary.answersToExistingQueries
                print("imported \(summary.newQueries) new queries, \(summary.existingQueries) already in the store; \(answers) answers added to \(storePath)")
            }
            return 0
        case "show":
            try arguments.checkAllUsed()
            let store = try openExistingStore(storePath)
            let counts = try store.counts
            print("\(storePath): task \(try store.task ?? "none"), \(counts.episodes) episodes, \(counts.queries) queries, \(counts.answers) answers, \(try store.pendingQueries().count) pending")
            return 0
        default:
            throw UsageError("unknown queries action '\(action)'; use make, answer, export, import or show")
        }
    }

    /// Records the episodes and checks that they give enough segments and pairs, then writes episodes,
    /// segments and pairs in one transaction: a refused `make` leaves the store as it was (or unmade).
    static func make(_ arguments: inout Arguments, _ storePath: String) throws -> Int32 {
        guard let taskID = arguments.string("task") else { throw UsageError("queries make needs --task ID") }
        let policy = arguments.string("policy") ?? "random"
        let episodes = try arguments.int("episodes", default: 20, minimum: 1, maximum: 100_000)!
        let length = try arguments.int("segment", default: 50, minimum: 1, maximum: 10_000)!
        let pairs = try arguments.int("pairs", default: 100, minimum: 1, maximum: 1_000_000)!
        let seed = try arguments.seed()
        try arguments.checkAllUsed()
        let environment = try SandboxCLI.tasks.make(taskID)
        let trained = ["random", "heuristic"].contains(policy) ? nil : try Policy.load(from: EvalCommand.policyURL(policy))
        // An existing store is checked (and its task compared) before any episode is recorded.
        let existing = FileManager.default.fileExists(atPath: storePath) ? try openOrMakeStore(storePath) : nil
        if let stored = try existing?.task, stored != environment.spec.id {
            throw UsageError("\(storePath) holds \(stored) queries, not \(environment.spec.id); use another --store file")
        }
        var recorded: [(record: EpisodeRecord, starts: [Int])] = []
        for e in 0..<episodes {
            let episodeSeed = seed &+ UInt64(e)
            let controller: any Controller = trained ?? (policy == "random"
                ? RandomController(space: environment.spec.actionSpace, seed: SeedStream.randomActions.seed(from: episodeSeed)) : environment.makeHeuristic())
            let record = try Rollout.run(environment, controller: controller, seed: episodeSeed).record
            recorded.append((record, segmentStarts(episodeLength: record.length, segmentLength: length, terminated: record.terminated)))
        }
        let segments = LabelStore.distinctSegments(recorded, segmentLength: length).count
        let lengths = recorded.map(\.record.length)
        guard segments >= 2 else {
            throw UsageError("--segment \(length) leaves \(segments == 0 ? "no" : "only one") segment to pair: the shortest of the \(episodes) episodes has \(lengths.min()!) steps and the longest \(lengths.max()!) (an episode that hits its time limit needs at least \(length)); use a shorter --segment or more --episodes")
        }
        func tooManyPairs(available: Int) -> UsageError {
            UsageError("--pairs \(pairs) is more than the \(available) new distinct pairs of \(segments) segments of --segment \(length) steps; use --pairs \(available) or less, or more --episodes")
        }
        // A new store is made only once the pairs are known to fit (an existing one is checked again below).
        guard existing != nil || pairs <= segments * (segments - 1) / 2 else { throw tooManyPairs(available: segments * (segments - 1) / 2) }
        let skipped = recorded.filter { $0.starts.isEmpty }.count
        try prepareOutput(storePath)
        let store = try existing ?? openOrMakeStore(storePath)
        var generator = SeededGenerator(seed: seed)
        let drawn: LabelStore.RandomPairs
        do {
            drawn = try store.addRandomPairQueries(recorded, segmentLength: length, count: pairs, using: &generator)
        } catch LabelStoreError.tooFewPairs(_, let available, _) {
            throw tooManyPairs(available: available)
        }
        var line = "stored \(drawn.segments) segments of \(length) steps and \(drawn.newPairs) pair queries in \(storePath)"
        if drawn.storedPairs > 0 { line += " (\(drawn.storedPairs) pairs of these segments were already there and were not drawn again)" }
        if skipped > 0 { line += "; \(skipped) episodes shorter than --segment \(length) left out" }
        print(line)
        return 0
    }

    static func answer(_ arguments: inout Arguments, _ storePath: String) throws -> Int32 {
        guard let teacherName = arguments.string("teacher") else { throw UsageError("queries answer needs --teacher NAME") }
        let specification = try TeacherSpecification(parsing: teacherName)
        let annotator = arguments.string("annotator") ?? specification.annotator
        let seed = try arguments.seed()
        let endings = try arguments.endings()
        let verbose = arguments.flag("verbose")
        try arguments.checkAllUsed()
        let teacher = try StoreTeacher(specification, seed: seed, endings: endings, tasks: SandboxCLI.tasks)
        let store = try openExistingStore(storePath)
        let summary: StoreTeacher.Summary
        do {
            summary = try teacher.answerPending(in: store, as: annotator) { id, answer in
                if verbose { print("answered query \(id): \(answer.rawValue)") }
            }
        } catch let error as StoreTeacherError {
            throw UsageError(error.description)  // the teacher does not fit the store: a usage error, as before
        }
        var line = "\(summary.answered) queries answered by \(annotator)"
        if summary.alreadyAnswered > 0 {
            line += "; \(summary.alreadyAnswered) already answered by \(annotator) were left as they were (an annotator answers a query once)"
        }
        print(line)
        return 0
    }
}
