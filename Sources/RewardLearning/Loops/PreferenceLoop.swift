import Agents
import Foundation
import NeuralNets
import SandboxCore

/// Preference-based RL: an agent learns from a reward ensemble that is refitted, on a schedule, to
/// answers about pairs of the agent's own segments.
///
/// - PrefPPO (B-Pref): PPO on the learned reward.
/// - PEBBLE (Lee et al. 2021): SAC with unsupervised pre-training that maximises a k-NN state-entropy
///   estimate, then the learned reward, relabelling the replay buffer after every refit.
///
/// Each feedback round rolls out the current policy (sampled actions) into replayable episode records,
/// stores them, cuts segments, chooses pairs with the sampler and asks the answerer.
public final class PreferenceLoop {
    public struct Configuration: Codable, Sendable {
        /// Total answers to ask for.
        public var totalLabels = 1000
        /// Answers per feedback round.
        public var labelsPerRound = 100
        /// Steps per segment (B-Pref / PEBBLE use 50).
        public var segmentLength = 50
        public var sampler = QuerySampler.disagreement
        /// Episodes rolled out per round to draw segments from.
        public var episodesPerRound = 10
        /// All labels are asked within this fraction of the step budget (rounds evenly spaced).
        public var feedbackFraction = 0.5
        /// Episodes of the task's built-in heuristic controller added to each round's query pool, so that
        /// the teacher compares the agent's clips with successful ones (as Ibarz et al. 2018 add
        /// demonstrations to preference queries). Their segments stay candidates for three rounds and
        /// their queries count against `totalLabels`. 0 (the default) is plain PEBBLE / PrefPPO.
        public var demonstrationsPerRound = 0
        /// Fraction of each round's queries that pair a demonstration segment with one of the agent's
        /// (the sampler choosing among such pairs); the rest pair the agent's segments only. 0 (the
        /// default): demonstration segments just join the pool, so their share of the queries shrinks as
        /// the pool grows (PEBBLE's pool holds 100 episodes: about 3% of the queries with one per round).
        public var demonstrationShare = 0.0
        /// Fraction of each round's queries among the agent's own segments that pair a segment reaching
        /// its episode's termination (a crash, a landing) with one that does not, the sampler choosing
        /// among such pairs. Under `.zero` endings only segments that end pin the reward's offset, which
        /// decides whether staying in the air pays; once the agent avoids crashes they are a few percent
        /// of PEBBLE's pool and rarely asked about. This keeps them asked. It uses nothing but the agent's
        /// own episodes, so the loop stays plain PEBBLE / PrefPPO. 0 (the default): pairs are drawn
        /// from the whole pool.
        public var endingShare = 0.0
        /// How the learned reward's offset is set for the agent (`.zero` endings only; see `RewardOffset`).
        public var rewardOffset = RewardOffset.free
        /// PEBBLE's unsupervised pre-training steps (SAC only).
        public var pretrainingSteps = 10_000
        /// k of the k-NN state-entropy estimate (PEBBLE: 5).
        public var entropyNeighbours = 5
        public var fit = RewardFitter.Configuration()
        public init() {}

        /// Reads a configuration; keys missing from older files (`pbrl.json` of earlier runs) keep
        /// their defaults.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Configuration()
            totalLabels = try c.decodeIfPresent(Int.self, forKey: .totalLabels) ?? d.totalLabels
            labelsPerRound = try c.decodeIfPresent(Int.self, forKey: .labelsPerRound) ?? d.labelsPerRound
            segmentLength = try c.decodeIfPresent(Int.self, forKey: .segmentLength) ?? d.segmentLength
            sampler = try c.decodeIfPresent(QuerySampler.self, forKey: .sampler) ?? d.sampler
            episodesPerRound = try c.decodeIfPresent(Int.self, forKey: .episodesPerRound) ?? d.episodesPerRound
            feedbackFraction = try c.decodeIfPresent(Double.self, forKey: .feedbackFraction) ?? d.feedbackFraction
            demonstrationsPerRound = try c.decodeIfPresent(Int.self, forKey: .demonstrationsPerRound) ?? d.demonstrationsPerRound
            demonstrationShare = try c.decodeIfPresent(Double.self, forKey: .demonstrationShare) ?? d.demonstrationShare
            endingShare = try c.decodeIfPresent(Double.self, forKey: .endingShare) ?? d.endingShare
            rewardOffset = try c.decodeIfPresent(RewardOffset.self, forKey: .rewardOffset) ?? d.rewardOffset
            pretrainingSteps = try c.decodeIfPresent(Int.self, forKey: .pretrainingSteps) ?? d.pretrainingSteps
            entropyNeighbours = try c.decodeIfPresent(Int.self, forKey: .entropyNeighbours) ?? d.entropyNeighbours
            fit = try c.decodeIfPresent(RewardFitter.Configuration.self, forKey: .fit) ?? d.fit
        }
    }

    public let configuration: Configuration
    public let trainer: any Trainer
    public let model: RewardEnsemble
    public let store: LabelStore
    public let answerer: any PairAnswerer
    public let totalSteps: Int
    /// Where the policy's task comes from, for the episodes rolled out for queries.
    public let tasks: TaskRegistry
    public internal(set) var labelsUsed = 0
    public internal(set) var round = 0
    var pairs: [PreferencePair] = []
    /// Queries asked of an answerer that answers later, with their segments.
    var asked: [Int64: (first: Segment, second: Segment)] = [:]
    /// Every query this loop asked, in order (what a resumed run rebuilds its answers from).
    var askedQueryIDs: [Int64] = []
    /// Answers (query, annotator, answer) behind the current fit, to notice new ones.
    var fittedAnswers: Set<String> = []
    /// Standing answers received so far (answersLater only).
    public internal(set) var answersReceived = 0
    private var candidates: [Segment] = []
    /// Segments of the heuristic controller's episodes, one entry per round, for the last three rounds.
    private var demonstrationRounds: [[Segment]] = []
    /// SAC training episodes already turned into candidates, and the segments each one gave.
    private var episodesSeen = 0
    private var segmentsPerEpisode: [Int] = []
    var generator: SeededGenerator
    private var fitter: RewardFitter
    var normalized = false
    var entropyScale = RunningMeanStd(size: 1)

    public init(trainer: any Trainer, model: RewardEnsemble, store: LabelStore, answerer: any PairAnswerer,
                configuration: Configuration, totalSteps: Int, seed: UInt64, tasks: TaskRegistry) throws {
        self.trainer = trainer
        self.tasks = tasks
        self.model = model
        self.store = store
        self.answerer = answerer
        self.configuration = configuration
        self.totalSteps = totalSteps
        generator = SeededGenerator(seed: seed)
        fitter = RewardFitter(configuration: configuration.fit)
        if let offPolicy = trainer as? any OffPolicyTrainer, configuration.pretrainingSteps > 0 {
            offPolicy.batchRewardOverride = { [unowned self] observations, next in self.stateEntropyReward(next) }
        }
    }

    private var roundCount: Int { Swift.max(1, (configuration.totalLabels + configuration.labelsPerRound - 1) / configuration.labelsPerRound) }

    /// Environment step at which round `k` (0-based) is due.
    func roundStep(_ k: Int) -> Int {
        let start = trainer is any OffPolicyTrainer ? configuration.pretrainingSteps : 0
        let span = Double(Swift.max(totalSteps - start, 1)) * configuration.feedbackFraction
        return start + Int(span * Double(k) / Double(roundCount))
    }

    /// Runs a feedback round when one is due, and (for answers that arrive later) refits when new
    /// answers are in the store; returns the metrics (empty when nothing happened).
    public func beforeIteration() throws -> [String: Double] {
        var metrics: [String: Double] = [:]
        // A person who answers later is not flooded: a new round waits until most of the last is answered.
        let backlog = asked.count - answersReceived
        if labelsUsed < configuration.totalLabels, trainer.globalStep >= roundStep(round),
           !answerer.answersLater || backlog < configuration.labelsPerRound {
            metrics = try feedbackRound()
        }
        if answerer.answersLater {
            metrics.merge(try collectAnswers()) { $1 }
        }
        return metrics
    }

    /// Reads the standing answers to the queries asked so far and refits when they changed (answers
    /// added or undone). Returns the fit's metrics, or nothing when no answer changed.
    public func collectAnswers() throws -> [String: Double] {
        var current: [PreferencePair] = []
        var keys: Set<String> = []
        for answer in try store.answers() {
            guard let segments = asked[answer.queryID] else { continue }
            keys.insert("\(answer.queryID)|\(answer.annotator)|\(answer.answer.rawValue)")
            if let pair = PreferencePair(first: segments.first, second: segments.second, answer: answer.answer) { current.append(pair) }
        }
        guard keys != fittedAnswers else { return [:] }
        fittedAnswers = keys
        answersReceived = keys.count
        pairs = current
        var metrics = ["pbrl/answers": Double(keys.count), "pbrl/labels": Double(labelsUsed)]
        metrics.merge(try refit(on: Array(asked.values.flatMap { [$0.first, $0.second] }.suffix(200)))) { $1 }
        return metrics
    }

    /// One round: gather episodes, cut segments, choose pairs, get answers, refit, relabel.
    ///
    /// PEBBLE draws its queries from the agent's recent training episodes (B-Pref keeps the last 100),
    /// so that a rare success is there to be asked about; they are replayed exactly from their seeds and
    /// actions. PrefPPO, and SAC before its first finished episode, roll out the current policy.
    public func feedbackRound() throws -> [String: Double] {
        let environment = try trainer.policy.makeEnvironment(in: tasks)
        var fresh: [Segment] = []
        /// Stores an episode that gives segments and returns them.
        func segments(of episode: Episode) throws -> [Segment] {
            let starts = segmentStarts(episodeLength: episode.record.length, segmentLength: configuration.segmentLength,
                                       terminated: episode.record.terminated)
            guard !starts.isEmpty else { return [] }
            let id = try store.add(episode: episode.record)
            return starts.map { start in
                let reference = SegmentReference(episode: id, start: start, length: configuration.segmentLength)
                return Segment.cut(episode, start: start, length: configuration.segmentLength, reference: reference)
            }
        }
        if let offPolicy = trainer as? any OffPolicyTrainer, !offPolicy.recentEpisodes.isEmpty {
            let newEpisodes = Swift.min(offPolicy.finishedEpisodeCount - episodesSeen, offPolicy.recentEpisodes.count)
            episodesSeen = offPolicy.finishedEpisodeCount
            for played in offPolicy.recentEpisodes.suffix(newEpisodes) {
                let episode = try Rollout.run(environment, controller: ActionSequence(played.actions), seed: played.seed, keepObservations: true)
                guard episode.record.length == played.actions.count else {
                    throw AgentError.invalidConfiguration("a training episode replayed to \(episode.record.length) steps, not \(played.actions.count); the task is not deterministic")
                }
                let cut = try segments(of: episode)
                segmentsPerEpisode.append(cut.count)
                fresh += cut
            }
            // The segments of the last `recentEpisodeCapacity` training episodes are the candidates.
            segmentsPerEpisode = Array(segmentsPerEpisode.suffix(offPolicy.recentEpisodeCapacity))
        } else {
            let sampled = SampledPolicy(trainer.policy, seed: generator.next())
            for _ in 0..<configuration.episodesPerRound {
                fresh += try segments(of: try Rollout.run(environment, controller: sampled, seed: generator.next(), keepObservations: true))
            }
        }
        if trainer is any OffPolicyTrainer, !segmentsPerEpisode.isEmpty {
            candidates = Array((candidates + fresh).suffix(Swift.max(segmentsPerEpisode.reduce(0, +), 2)))
        } else {
            candidates = Array((candidates + fresh).suffix(Swift.max(fresh.count * 3, 2)))
        }
        if configuration.demonstrationsPerRound > 0 {
            let demonstrated = try (0..<configuration.demonstrationsPerRound).flatMap { _ in
                try segments(of: try Rollout.run(environment, controller: environment.makeHeuristic(), seed: generator.next(), keepObservations: true))
            }
            demonstrationRounds = Array((demonstrationRounds + [demonstrated]).suffix(3))
        }
        let pool = candidates + demonstrationRounds.joined()
        guard pool.count >= 2 else {
            throw AgentError.invalidConfiguration("episodes are shorter than the \(configuration.segmentLength)-step segments; use --segment with a smaller length")
        }
        let count = Swift.min(configuration.labelsPerRound, configuration.totalLabels - labelsUsed)
        let sampler = pairs.isEmpty ? QuerySampler.uniform : configuration.sampler
        let informed = pairs.isEmpty ? nil : model
        var chosen: [(Int, Int)]
        if configuration.demonstrationShare > 0, pool.count > candidates.count, !candidates.isEmpty {
            let paired = Self.sharedCount(count, configuration.demonstrationShare)
            chosen = select(paired, from: pool, between: Array(candidates.indices), and: Array(candidates.count..<pool.count),
                            sampler: sampler, model: informed)
            // The pool lists the agent's candidates first, so their indices are the pool's.
            chosen += selectWithEndings(count - paired, from: candidates, sampler: sampler, model: informed)
        } else {
            chosen = selectWithEndings(count, from: pool, sampler: sampler, model: informed)
        }
        var queries: [(id: Int64, first: Segment, second: Segment)] = []
        for (i, j) in chosen {
            let a = try store.add(segment: pool[i].reference!), b = try store.add(segment: pool[j].reference!)
            queries.append((try store.addQuery(kind: .pair, first: a, second: b, round: round + 1), pool[i], pool[j]))
        }
        let demonstrationQueries = chosen.filter { $0.0 >= candidates.count || $0.1 >= candidates.count }.count
        let endingQueries = chosen.filter { pool[$0.0].finalObservation != nil || pool[$0.1].finalObservation != nil }.count
        labelsUsed += queries.count
        askedQueryIDs += queries.map(\.id)
        round += 1
        var metrics: [String: Double] = ["pbrl/labels": Double(labelsUsed), "pbrl/round": Double(round),
                                         "pbrl/ending_queries": Double(endingQueries)]
        if configuration.demonstrationsPerRound > 0 { metrics["pbrl/demonstration_queries"] = Double(demonstrationQueries) }
        if answerer.answersLater {
            for q in queries { asked[q.id] = (q.first, q.second) }
            return metrics
        }
        let answers = try answerer.answer(queries, store: store)
        for (q, answer) in zip(queries, answers) {
            if let pair = PreferencePair(first: q.first, second: q.second, answer: answer) { pairs.append(pair) }
        }
        metrics.merge(try refit(on: fresh)) { $1 }
        return metrics
    }

    /// `count` pairs of `segments`, `endingShare` of them joining a segment that reaches its episode's
    /// termination with one that does not (when the segments hold both kinds); indices are `segments`'.
    func selectWithEndings(_ count: Int, from segments: [Segment], sampler: QuerySampler, model: RewardEnsemble?) -> [(Int, Int)] {
        let ended = segments.indices.filter { segments[$0].finalObservation != nil }
        let running = segments.indices.filter { segments[$0].finalObservation == nil }
        guard configuration.endingShare > 0, !ended.isEmpty, !running.isEmpty else {
            return sampler.select(count, from: segments, model: model, using: &generator)
        }
        let paired = Self.sharedCount(count, configuration.endingShare)
        return select(paired, from: segments, between: ended, and: running, sampler: sampler, model: model)
            + sampler.select(count - paired, from: segments, model: model, using: &generator)
    }

    /// Queries out of `count` that a share (`demonstrationShare`, `endingShare`) sets aside.
    static func sharedCount(_ count: Int, _ share: Double) -> Int { Swift.min(count, Int((Double(count) * share).rounded())) }

    /// `count` pairs that each join a segment listed in `first` with one listed in `second` (indices of
    /// `segments`, the sampler choosing among such pairs); the pairs are indices of `segments`.
    func select(_ count: Int, from segments: [Segment], between first: [Int], and second: [Int],
                sampler: QuerySampler, model: RewardEnsemble?) -> [(Int, Int)] {
        let order = first + second
        return sampler.select(count, from: order.map { segments[$0] }, model: model,
                              between: (0..<first.count, first.count..<order.count), using: &generator)
            .map { (order[$0.0], order[$0.1]) }
    }

    /// Fits the ensemble to every pair so far, reports learned-versus-true correlations on `segments`,
    /// and relabels an off-policy trainer's replay buffer (ending PEBBLE's pre-training once a reward has been fitted).
    private func refit(on segments: [Segment]) throws -> [String: Double] {
        var metrics: [String: Double] = [:]
        if !pairs.isEmpty {
            let report = try fitter.fit(model, pairs: pairs, seed: generator.next(), updateNormalization: !normalized)
            normalized = true
            metrics["pbrl/label_accuracy"] = report.heldOutAccuracy
            metrics["pbrl/reward_loss"] = report.trainingLoss
            metrics["pbrl/pair_updates_per_s"] = report.pairUpdatesPerSecond
            if configuration.rewardOffset == .agentMedian, let shift = Self.centreOnMedianStep(model, of: candidates) {
                metrics["pbrl/reward_offset"] = Double(shift)
            }
            // Learned versus true segment returns (absorbing steps counted as the teachers count them).
            let learned = segments.map { Double(model.segmentReturn($0)) }
            let truth = segments.map { model.configuration.endingRule.teacherRewards($0).reduce(0, +) }
            metrics["pbrl/pearson"] = Correlation.pearson(learned, truth)
            metrics["pbrl/spearman"] = Correlation.spearman(learned, truth)
        }
        if let offPolicy = trainer as? any OffPolicyTrainer, !pairs.isEmpty || !answerer.answersLater {
            offPolicy.relabelReplayBuffer()
            if trainer.globalStep >= configuration.pretrainingSteps { offPolicy.batchRewardOverride = nil }
        }
        return metrics
    }
}
