import Foundation
import GridWorlds
import SandboxCore

/// Which model of preference explains a person's answers better: for each annotator of a label
/// store's Delivery-v1 pair queries, the cross-validated log-likelihood per answer of a linear reward
/// fitted with the partial-return model and with the regret model (higher is better).
public struct PreferenceModelComparison: Sendable {
    /// One annotator's answers, explained by each model.
    public struct Result: Codable, Sendable, Equatable {
        public var annotator: String
        /// Answers used (first, second or equal; skips say nothing about preference).
        public var answers: Int
        /// Mean held-out log-likelihood per answer under each model.
        public var partialReturn: Double
        public var regret: Double
        /// Regret's advantage in log-likelihood per answer (positive: regret explains the answers better).
        public var regretAdvantage: Double { regret - partialReturn }
    }

    public var folds = 5
    public var learner = LinearRewardLearner.Configuration()
    public var seed: UInt64 = 0
    public init() {}

    /// Compares the models on every annotator's answers to the store's Delivery-v1 pair queries.
    public func compare(store: LabelStore, tasks: TaskRegistry) throws -> [Result] {
        let byAnnotator = try deliveryPairs(in: store, tasks: tasks)
        guard !byAnnotator.isEmpty else { throw ComparisonError.noDeliveryAnswers(store.path) }
        return byAnnotator.keys.sorted().map { annotator in
            let (mdp, pairs) = byAnnotator[annotator]!
            let policies = RegretLinearModel.policySet(for: mdp, seed: SeedStream.rewardModel.seed(from: seed))
            return Result(annotator: annotator, answers: pairs.count,
                          partialReturn: crossValidatedLogLikelihood(PartialReturnLinearModel(), pairs, featureCount: mdp.featureCount),
                          regret: crossValidatedLogLikelihood(RegretLinearModel(mdp: mdp, policies: policies), pairs, featureCount: mdp.featureCount))
        }
    }

    /// Mean held-out log-likelihood per pair over `folds` folds (a seeded shuffle; every pair is held
    /// out once). With fewer pairs than folds, leave-one-out.
    public func crossValidatedLogLikelihood(_ model: any LinearPreferenceModel, _ pairs: [TabularPair], featureCount: Int) -> Double {
        crossValidated(pairs) { train, held in
            let (fit, refined) = LinearRewardLearner(model: model, configuration: learner).fitModel(train, featureCount: featureCount)
            // log σ(z) for y = 1, log σ(−z) for y = 0, their mean for a tie.
            return zip(held, refined.logits(held, weights: fit.weights)).reduce(0) { $0 - (softplus($1.1.0) - $1.0.firstPreferred * $1.1.0) }
        }
    }

    /// Mean held-out log-likelihood per item over `folds` folds of a seeded shuffle (every item held out
    /// once; leave-one-out with fewer items than folds): `score(train, held)` fits on `train` and returns
    /// the summed log-likelihood of `held`.
    func crossValidated<Item>(_ items: [Item], score: ([Item], [Item]) -> Double) -> Double {
        var generator = SeededGenerator(seed: seed)
        let order = items.indices.shuffled(using: &generator)
        let k = max(2, min(folds, items.count))
        var total = 0.0
        for fold in 0..<k {
            let held = order.enumerated().filter { $0.offset % k == fold }.map { items[$0.element] }
            let train = order.enumerated().filter { $0.offset % k != fold }.map { items[$0.element] }
            total += score(train, held)
        }
        return total / Double(max(items.count, 1))
    }

    /// The store's answered Delivery-v1 pair queries, as tabular pairs per annotator (with the board's MDP).
    func deliveryPairs(in store: LabelStore, tasks: TaskRegistry) throws -> [String: (TabularMDP, [TabularPair])] {
        let queries = Dictionary(uniqueKeysWithValues: try store.queries().filter { $0.kind == .pair }.map { ($0.id, $0) })
        var segments: [Int64: (board: Double, states: [Int], actions: [Int])] = [:]
        func episode(_ id: Int64) throws -> (board: Double, states: [Int], actions: [Int])? {
            if let known = segments[id] { return known }
            let record = try store.episode(id)
            guard TaskRegistry.parse(record.task).name == Delivery.name else { return nil }
            let replay = try Rollout.replay(record, in: tasks, keepObservations: true)
            let states = replay.episode.observations.map { Int($0[0]) }
            let value = (record.options["board"] ?? 0, states, record.actions.map { Int($0[0]) })
            segments[id] = value
            return value
        }
        var result: [String: (TabularMDP, [TabularPair])] = [:]
        var boards: [Double: TabularMDP] = [:]
        for answer in try store.answers() {
            guard let query = queries[answer.queryID], answer.answer != .skip,
                  let a = try episode(query.first.episode), let b = try episode(query.second.episode), a.board == b.board else { continue }
            let mdp = boards[a.board] ?? (a.board == 0 ? DeliveryBoard.knox : DeliveryBoard.random(seed: UInt64(a.board))).mdp()
            boards[a.board] = mdp
            func segment(_ e: (board: Double, states: [Int], actions: [Int]), _ reference: SegmentReference) -> TabularSegment? {
                guard reference.start >= 0, reference.start < e.actions.count else { return nil }
                let actions = Array(e.actions[reference.start..<min(reference.start + reference.length, e.actions.count)])
                return TabularSegment(mdp: mdp, start: e.states[reference.start], actions: actions)
            }
            guard let first = segment(a, query.first), let second = segment(b, query.second) else { continue }
            let y = answer.answer == .first ? 1.0 : answer.answer == .second ? 0.0 : 0.5
            var entry = result[answer.annotator] ?? (mdp, [])
            entry.1.append(TabularPair(first: first, second: second, firstPreferred: y))
            result[answer.annotator] = entry
        }
        return result
    }
}

public enum ComparisonError: Error, CustomStringConvertible {
    case noDeliveryAnswers(String)
    case noTaskAnswers(String, task: String)
    public var description: String {
        switch self {
        case .noTaskAnswers(let path, let task):
            return "\(path) has no answered pair queries of \(task) episodes (the expert's task); make some with `sandbox queries make --store \(path) --task \(task)` and answer them, or give an expert trained on the store's task"

        case .noDeliveryAnswers(let path):
            return "\(path) has no answered pair queries of Delivery-v1 episodes; make some with `sandbox queries make --store \(path) --task Delivery --segment 3` and answer them (sandbox label --store \(path))"
        }
    }
}
