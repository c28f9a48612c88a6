import Foundation
import NeuralNets
import RewardLearning
import SandboxCore

/// The steps `sandbox encoder pretrain` and `sandbox rapl align|train|evaluate` run, task-independent:
/// any registered task with frames, a heuristic and reward terms (the privileged cost) plugs in by id.
public enum RAPLPipeline {
    /// Settings of `sandbox encoder pretrain`.
    public struct PretrainSettings: Sendable {
        public var taskID: String
        public var options: [String: Double] = [:]
        public var episodes = 48
        public var maxSteps = 300
        public var training = TimeContrastivePretraining.Settings()
        public var seed: UInt64 = 1
        public init(taskID: String) { self.taskID = taskID }
    }

    /// Renders `episodes` pool rollouts at 64×64 and pretrains a new encoder's backbone on them.
    public static func pretrain(_ settings: PretrainSettings, tasks: TaskRegistry, command: String,
                                progress: (String, Int) -> ProgressBar) throws -> FrameEncoder {
        let spec = try tasks.spec(for: settings.taskID)
        let encoder = FrameEncoder(configuration: FrameEncoderConfiguration(task: spec.id), seed: settings.seed)
        var pool = RolloutPool.Settings()
        pool.episodes = settings.episodes
        pool.maxSteps = settings.maxSteps
        pool.seed = settings.seed &* 1000 &+ 17
        pool.options = settings.options
        let bar = progress("rendering \(spec.id)", settings.episodes)
        let collected = try RolloutPool.collect(taskID: settings.taskID, tasks: tasks, cost: PrivilegedCost(terms: []), settings: pool,
                                                keepFrames: true, encode: nil, progress: bar)
        bar.finish()
        var training = settings.training
        training.seed = settings.seed
        let trainBar = progress("pretraining", training.steps)
        let loss = try TimeContrastivePretraining(settings: training).pretrain(encoder, episodes: collected.episodes.map(\.frames), progress: trainBar)
        trainBar.finish()
        encoder.record(pretraining: PretrainingRecord(
            objective: TimeContrastivePretraining.objectiveName, episodes: settings.episodes,
            frames: collected.episodes.reduce(0) { $0 + $1.frames.count }, steps: training.steps, seed: settings.seed,
            finalLoss: loss, command: command))
        return encoder
    }

    /// A pool of rollouts with their backbone features.
    public static func pool(encoder: FrameEncoder, taskID: String, tasks: TaskRegistry, cost: PrivilegedCost,
                            settings: RolloutPool.Settings, keepFrames: Bool = false, frameLimit: Int = .max,
                            progress: ProgressBar? = nil) throws -> RolloutPool {
        var settings = settings
        settings.frameSize = encoder.configuration.frameSize
        return try RolloutPool.collect(taskID: taskID, tasks: tasks, cost: cost, settings: settings, keepFrames: keepFrames, frameLimit: frameLimit,
                                       encode: { try encoder.features($0) }, progress: progress)
    }

    /// Backbone features of `count` expert demonstrations of `taskID` (seeds from `seed`).
    public static func demonstrations(encoder: FrameEncoder, taskID: String, tasks: TaskRegistry, count: Int, seed: UInt64,
                                      maxSteps: Int, options: [String: Double] = [:]) throws -> [Tensor] {
        var settings = RolloutPool.Settings()
        settings.episodes = count
        settings.seed = seed
        settings.maxSteps = maxSteps
        settings.policies = [.expert]
        settings.options = options
        return try pool(encoder: encoder, taskID: taskID, tasks: tasks, cost: PrivilegedCost(terms: []), settings: settings)
            .episodes.map { $0.features! }
    }

    /// The simulated person's triplets over `pool`; every kept triplet is also stored in `store` as an
    /// answered triplet query (reference o⁺; A = o, B = o⁻; answer A, or equal) when one is given.
    public static func simulatedTriplets(pool: RolloutPool, count: Int, person: SimulatedPerson, seed: UInt64,
                                         store: LabelStore?) throws -> [Triplet] {
        let (triplets, draws) = person.triplets(count: count, finalCosts: pool.episodes.map(\.finalCost), seed: seed)
        guard triplets.count == count else { throw VisualRewardError.tooFewTriplets(found: triplets.count, wanted: count, attempts: draws) }
        if let store {
            let ids = try store.addTripletQueries(triplets.map { (pool.episodes[$0.positive].record, pool.episodes[$0.neutral].record, pool.episodes[$0.negative].record) })
            for (id, t) in zip(ids, triplets) {
                _ = try store.add(answer: t.equal ? .equal : .first, to: id, annotator: "simulated-person", responseTime: 0)
            }
        }
        return triplets
    }

    /// Triplets from people through the labelling window's triplet mode: each query shows an expert
    /// rollout as the reference (o⁺) and two other pool rollouts, and asks which is more like the
    /// reference; the answer orders them (o ≻ o⁻), "equal" makes an equal triplet and "skip" drops it.
    /// Writes `count` queries to `store` and waits for their answers.
    public static func humanTriplets(pool: RolloutPool, count: Int, seed: UInt64, store: LabelStore,
                                     shouldStop: @escaping () -> Bool, report: @escaping (String) -> Void) throws -> [Triplet] {
        let references = pool.episodes.indices.filter { pool.episodes[$0].policy == .expert }
        precondition(!references.isEmpty && pool.episodes.count >= 3, "the pool needs expert rollouts and two others")
        var generator = SeededGenerator(seed: seed)
        var drawn: [(Int, Int, Int)] = []
        for _ in 0..<count {
            let r = references[Int.random(in: 0..<references.count, using: &generator)]
            var a = r, b = r
            while a == r { a = Int.random(in: 0..<pool.episodes.count, using: &generator) }
            while b == r || b == a { b = Int.random(in: 0..<pool.episodes.count, using: &generator) }
            drawn.append((r, a, b))
        }
        let ids = try store.addTripletQueries(drawn.map { (pool.episodes[$0.0].record, pool.episodes[$0.1].record, pool.episodes[$0.2].record) })
        report("\(ids.count) triplet queries written to \(store.path); answer them with sandbox label --store \(store.path)")
        let answers = try store.waitForAnswers(to: ids, report: { report("  \($0) / \(ids.count) answered") }, shouldStop: shouldStop)
        return zip(drawn, answers).compactMap { d, answer in
            switch answer {
            case .first: return Triplet(positive: d.0, neutral: d.1, negative: d.2)
            case .second: return Triplet(positive: d.0, neutral: d.2, negative: d.1)
            case .equal: return Triplet(positive: d.0, neutral: d.1, negative: d.2, equal: true)
            case .skip: return nil
            }
        }
    }

    /// Spearman correlations of each method's per-frame reward with the privileged ground truth on
    /// `heldOut` rollouts (see `RewardCorrelation`).
    public static func evaluate(encoder: FrameEncoder, heldOut: RolloutPool, demonstrations: [Tensor],
                                methods: [VisualRewardMethod] = VisualRewardMethod.allCases,
                                sinkhorn: Sinkhorn = Sinkhorn()) -> [RewardCorrelation] {
        let costs = heldOut.episodes.map(\.costs)
        return methods.map { method in
            let learned: [[Double]]
            if method == .truth {
                learned = costs.map { $0.map { -$0 } }
            } else {
                let reward = VisualEpisodeReward(encoder: encoder, method: method, demonstrationFeatures: demonstrations, sinkhorn: sinkhorn)
                learned = heldOut.episodes.map { reward.frameRewards(features: $0.features!) }
            }
            return RewardCorrelation.measure(method: method.rawValue, learned: learned, costs: costs)
        }
    }
}
