import Agents
import Foundation
import GridWorlds
import RewardLearning
import SandboxCore

enum RegretCommand {
    static let help = """
    usage: sandbox regret study [--prefs 30,100,300,1000,3000] [--seeds K] [--board delivery|random:SEED]
                                [--stochastic] [--iterations N] [--seed S] [--out DIR]
           sandbox regret teacher --task ID --expert PATH [--episodes K] [--segment L] [--seed S]
           sandbox regret fit-labels --store FILE.db [--expert PATH] [--folds K] [--seed S] [--json]

    Models of human preference (Knox et al. 2022, arXiv 2206.02231) on the delivery domain (task
    Delivery-v1): does a person compare segments by their sum of reward (partial return) or by how much
    worse than optimal their actions were (regret, −Σ A*)?
    study       the 2 × 2 study: labels from a partial-return or a regret teacher (noiseless, or
                --stochastic), each learned as a linear reward by a partial-return and a regret learner
                (full-batch Adam, --iterations steps), on segments of 3 transitions, over dataset sizes
                (--prefs) and --seeds datasets each (default 10). A learned reward is judged by its
                greedy policy's scaled return (V^π − V^rand)/(V* − V^rand) over start states; above 0.9
                is near-optimal. Prints V* and V^rand, writes DIR/study.md (the table),
                DIR/study.jsonl (every run's scaled return) and DIR/study.png (near-optimal fraction
                against preferences). --board random:SEED uses a random board with the same cell types.
    teacher     the regret teacher of `pbrl --teacher regret:EXPERT` on a continuous task: K episodes
                (default 3) each of random actions, the task's heuristic and the expert itself (a run folder or
                policy file of `sandbox train` on the task), cut into segments of L steps (default 50). Prints
                a few segments of each with their partial return Σ r, the expert's values V(s₀) and V(s_end)
                (exact: the episode replayed to that step, then the expert finishing it, undiscounted; 0
                after a termination) and regret V(s₀) − (Σ r + V(s_end)); a mean per source; and how often
                the partial-return and regret teachers disagree over all pairs of segments. The expert's own
                segments have regret 0; a segment that does better than the expert has a negative one.
    fit-labels  which model explains each annotator's answers in a label store of Delivery-v1 pair
                queries: the cross-validated log-likelihood per answer of a linear reward fitted with
                each model (--folds, default 5). Higher is better; the difference is reported per annotator.
            With --expert PATH (a run folder or policy of `sandbox train`), the store's pair queries of
            the expert's task (a Box2D task) instead: each segment's regret under the expert's exact
            values (as `regret teacher`) and its partial return; each model is σ(β·Δ) with the
            person's rationality β fitted on the training folds.
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard let action = arguments.positional.first else { throw UsageError("regret needs study, teacher or fit-labels (see `sandbox regret --help`)") }
        switch action {
        case "study": return try study(&arguments)
        case "teacher": return try teacher(&arguments)
        case "fit-labels": return try fitLabels(&arguments)
        default: throw UsageError("unknown regret action '\(action)'; use study, teacher or fit-labels")
        }
    }

    static func study(_ arguments: inout Arguments) throws -> Int32 {
        var configuration = RegretStudy.Configuration()
        if let text = arguments.string("prefs") {
            let sizes = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !sizes.isEmpty, sizes.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 100_000 }) else {
                throw UsageError("--prefs takes dataset sizes from 1 to 100000 separated by commas, e.g. 30,100,300; got '\(text)'")
            }
            configuration.sizes = sizes.map { $0! }
        }
        configuration.seeds = try arguments.int("seeds", default: 10, minimum: 1, maximum: 1000)!
        configuration.learner.iterations = try arguments.int("iterations", default: configuration.learner.iterations, minimum: 1, maximum: 1_000_000)!
        configuration.stochastic = arguments.flag("stochastic")
        configuration.seed = try arguments.seed()
        configuration.board = try board(arguments.string("board") ?? "delivery")
        let out = URL(fileURLWithPath: arguments.string("out") ?? "runs/regret-study")
        try arguments.checkAllUsed()
        try prepareOutput(out.appendingPathComponent("study.md").path)

        let study = RegretStudy(configuration: configuration)
        print(String(format: "delivery board: mean over %d start states of V* %.2f, of the uniformly random policy %.2f (γ %.3f)",
                     study.mdp.startStates.count, study.scale.optimalMean, study.scale.randomMean, study.mdp.discount))
        let total = 2 * configuration.sizes.count * configuration.seeds
        let progress = ProgressBar("regret study", total: total)
        let cells = study.run { done in progress.advance(by: done - progress.completed) }
        progress.finish()
        let table = study.table(cells)
        print(table, terminator: "")
        try writeAtomically(Data(("# Regret study\n\n" + description(configuration, study) + "\n\n" + table).utf8),
                            to: out.appendingPathComponent("study.md"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let lines = try cells.map { String(decoding: try encoder.encode($0), as: UTF8.self) }.joined(separator: "\n") + "\n"
        try writeAtomically(Data(lines.utf8), to: out.appendingPathComponent("study.jsonl"))
        try study.plot(cells).writePNG(to: out.appendingPathComponent("study.png").path)
        print("table \(out.appendingPathComponent("study.md").path)")
        print("plot  \(out.appendingPathComponent("study.png").path)")
        return 0
    }

    static func description(_ c: RegretStudy.Configuration, _ study: RegretStudy) -> String {
        String(format: "%@ teachers; segments of %d transitions; %d datasets per size; learners: full-batch Adam, %d steps, lr %g; "
               + "regret learner's soft V* (temperature 0.001) over the optimal policies of %d random rewards, joined every %d steps by the optimal policy of the weights reached. "
               + "Mean V* over start states %.2f, uniformly random %.2f.",
               c.stochastic ? "Stochastic" : "Noiseless", c.segmentLength, c.seeds, c.learner.iterations, c.learner.learningRate,
               c.policySetSize, c.learner.refineEvery, study.scale.optimalMean, study.scale.randomMean)
    }

    /// `delivery` (Knox et al.'s board) or `random:SEED`.
    static func board(_ text: String) throws -> DeliveryBoard {
        if text == "delivery" { return .knox }
        if text.hasPrefix("random:"), let seed = UInt64(text.dropFirst("random:".count)), seed >= 1 { return .random(seed: seed) }
        throw UsageError("--board is delivery or random:SEED (a seed from 1), not '\(text)'")
    }

    static func teacher(_ arguments: inout Arguments) throws -> Int32 {
        guard let taskID = arguments.string("task") else { throw UsageError("regret teacher needs --task ID (e.g. LunarLanderContinuous)") }
        guard let expertPath = arguments.string("expert") else {
            throw UsageError("regret teacher needs --expert PATH (a run folder or policy.safetensors of sandbox train --task \(taskID))")
        }
        let episodes = try arguments.int("episodes", default: 3, minimum: 1, maximum: 1000)!
        let length = try arguments.int("segment", default: 50, minimum: 1)!
        let seed = try arguments.seed()
        try arguments.checkAllUsed()
        let spec = try SandboxCLI.tasks.spec(for: taskID)
        let values = try ExpertValues(expertPath: expertPath, tasks: SandboxCLI.tasks)
        guard values.taskID == spec.id else { throw UsageError("the expert was trained on \(values.taskID), not \(spec.id); give --task \(values.taskID) or another expert") }
        let expert = try Policy.load(from: ExpertValues.policyURL(expertPath))
        let environment = try SandboxCLI.tasks.make(spec.id)

        struct Cut { var source: String; var record: EpisodeRecord; var start: Int }
        var cuts: [Cut] = []
        for source in ["random", "heuristic", "expert"] {
            for e in 0..<episodes {
                let episodeSeed = seed &+ UInt64(e)
                let controller: any Controller = switch source {
                case "random": RandomController(space: spec.actionSpace, seed: SeedStream.randomActions.seed(from: episodeSeed))
                case "heuristic": environment.makeHeuristic()
                default: expert
                }
                let record = try Rollout.run(environment, controller: controller, seed: episodeSeed).record
                for start in segmentStarts(episodeLength: record.length, segmentLength: length, terminated: record.terminated) {
                    cuts.append(Cut(source: source, record: record, start: start))
                }
            }
        }
        guard cuts.count >= 2 else { throw UsageError("the episodes were shorter than --segment \(length); use shorter segments") }
        let started = Date()
        let progress = ProgressBar("expert values", total: cuts.count)
        var regrets: [ExpertValues.SegmentRegret] = []
        for chunk in stride(from: 0, to: cuts.count, by: 8).map({ Array(cuts[$0..<Swift.min($0 + 8, cuts.count)]) }) {
            regrets += try values.regrets(chunk.map { ($0.record, $0.start, length) })
            progress.advance(by: chunk.count)
        }
        progress.finish()
        print(String(format: "%d segments of %d steps; expert values took %.1f s (%d simulated steps on %d threads)",
                     cuts.count, length, Date().timeIntervalSince(started), values.simulatedSteps, values.workers))
        print("source     seed  start  partial return   V(s0)     V(s_end)   regret")
        for source in ["random", "heuristic", "expert"] {
            for i in cuts.indices.filter({ cuts[$0].source == source }).prefix(4) {
                let r = regrets[i]
                print(String(format: "%@ %4llu  %5d  %14.2f  %8.2f  %9.2f  %8.2f", source.padding(toLength: 9, withPad: " ", startingAt: 0),
                             cuts[i].record.seed, cuts[i].start, r.partialReturn, r.startValue, r.endValue, RegretComparison.rounded(r.regret) + 0))
            }
        }
        print("means per source:")
        for source in ["random", "heuristic", "expert"] {
            let mine = cuts.indices.filter { cuts[$0].source == source }.map { regrets[$0] }
            guard !mine.isEmpty else { continue }
            let n = Double(mine.count)
            let firsts = cuts.filter { $0.source == source && $0.start == 0 }.map(\.record.episodeReturn)
            print(String(format: "  %@ %4d segments  partial return %8.2f  regret %8.2f  (episode return %.1f)",
                         source.padding(toLength: 9, withPad: " ", startingAt: 0), mine.count,
                         mine.map(\.partialReturn).reduce(0, +) / n, mine.map(\.regret).reduce(0, +) / n,
                         firsts.reduce(0, +) / Double(Swift.max(firsts.count, 1))))
        }
        var pairs = 0, disagreements = 0, ties = 0
        for i in cuts.indices {
            for j in (i + 1)..<cuts.count {
                let byReturn = RegretComparison.answer(firstRegret: -regrets[i].partialReturn, secondRegret: -regrets[j].partialReturn)
                let byRegret = RegretComparison.answer(firstRegret: regrets[i].regret, secondRegret: regrets[j].regret)
                pairs += 1
                if byReturn != byRegret { disagreements += 1 }
                if byRegret == .equal { ties += 1 }
            }
        }
        print(String(format: "the partial-return and regret teachers disagree on %d of %d pairs (%.1f%%); the regret teacher calls %d equal",
                     disagreements, pairs, 100 * Double(disagreements) / Double(pairs), ties))
        return 0
    }

    static func fitLabels(_ arguments: inout Arguments) throws -> Int32 {
        guard let path = arguments.string("store") else { throw UsageError("regret fit-labels needs --store FILE.db (a label store with answered Delivery-v1 pair queries)") }
        var comparison = PreferenceModelComparison()
        comparison.folds = try arguments.int("folds", default: 5, minimum: 2, maximum: 100)!
        comparison.seed = try arguments.seed()
        let expertPath = arguments.string("expert")
        let json = arguments.flag("json")
        try arguments.checkAllUsed()
        guard FileManager.default.fileExists(atPath: path) else {
            throw UsageError("no label store at \(path); make one with `sandbox queries make --store \(path) --task Delivery --segment 3`")
        }
        let results: [PreferenceModelComparison.Result]
        if let expertPath {
            let expert = try ExpertValues(expertPath: expertPath, tasks: SandboxCLI.tasks)
            results = try comparison.compare(store: try LabelStore(path: path), expert: expert)
        } else {
            results = try comparison.compare(store: try LabelStore(path: path), tasks: SandboxCLI.tasks)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(results), as: UTF8.self))
            return 0
        }
        print("cross-validated log-likelihood per answer (\(comparison.folds) folds; higher explains the answers better):")
        print("annotator             answers  partial return   regret   regret − partial return")
        for r in results {
            print(r.annotator.padding(toLength: 20, withPad: " ", startingAt: 0)
                  + String(format: "  %7d  %14.4f  %7.4f  %+8.4f  %@", r.answers, r.partialReturn, r.regret, r.regretAdvantage,
                           r.regretAdvantage > 0 ? "regret explains better" : "partial return explains better"))
        }
        return 0
    }
}
