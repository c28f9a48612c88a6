import Foundation
import NeuralNets
import SandboxCore

/// Who acted in a pooled rollout: RAPL's pool mixes expert, noisy-expert and random episodes so that
/// the simulated person finds rollouts in every band of the privileged cost.
public enum PoolPolicy: String, Codable, Sendable, CaseIterable {
    /// The task's heuristic (`Environment.makeHeuristic`).
    case expert
    /// The heuristic with Gaussian noise on every action.
    case noisyExpert = "noisy-expert"
    /// Uniform random actions.
    case random
}

/// One pooled rollout: its record (replayable), who acted, its privileged costs c_0 … c_T, and its
/// frames' backbone features (and the frames themselves when asked for).
public struct PoolEpisode {
    public var record: EpisodeRecord
    public var policy: PoolPolicy
    /// c_t after each step, T + 1 values (see `PrivilegedCost`).
    public var costs: [Double]
    /// Frames at the encoder's size, T + 1 of them (or an evenly spaced subset, first and last included,
    /// when the pool was collected with a frame limit); empty unless kept.
    public var frames: [Frame]
    /// Backbone features [T + 1, featureSize]; nil when no encoder was given.
    public var features: Tensor?
    /// Why the episode ended ("landed", "crashed", the time limit).
    public var outcome: String

    /// The person's criterion: the cost at the last step.
    public var finalCost: Double { costs.last! }
}

/// A pool of rollouts from the task's expert, a noisy expert and random actions, in equal thirds.
public struct RolloutPool {
    public struct Settings: Sendable {
        /// Episodes in the pool.
        public var episodes: Int = 60
        /// First seed; episode i uses seed + i (its policy's noise is seeded from it too).
        public var seed: UInt64 = 1
        /// At most this many steps per episode (the task's own limit also applies).
        public var maxSteps: Int = 300
        /// Standard deviation of the noisy expert's Gaussian action noise, in action units.
        public var noise: Double = 0.5
        /// Frame side in pixels.
        public var frameSize: Int = 64
        /// Task options (the same task id with other options is another body, e.g. for transfer).
        public var options: [String: Double] = [:]
        /// Policies to draw from, cycled in order.
        public var policies: [PoolPolicy] = PoolPolicy.allCases

        public init() {}
    }

    public var episodes: [PoolEpisode]

    /// Runs `settings.episodes` rollouts of `taskID`; `encode` turns each episode's frames into backbone
    /// features (nil keeps none); `keepFrames` keeps the frames as well (at most `frameLimit`, evenly spaced).
    public static func collect(taskID: String, tasks: TaskRegistry, cost: PrivilegedCost, settings: Settings,
                               keepFrames: Bool = false, frameLimit: Int = .max, encode: (([Frame]) throws -> Tensor)?,
                               progress: ProgressBar? = nil) throws -> RolloutPool {
        let environment = try tasks.make(taskID, options: settings.options)
        let size = try RenderSize(width: settings.frameSize, height: settings.frameSize)
        var episodes: [PoolEpisode] = []
        for i in 0..<settings.episodes {
            let seed = settings.seed &+ UInt64(i)
            let policy = settings.policies[i % settings.policies.count]
            let controller: any Controller
            switch policy {
            case .expert: controller = environment.makeHeuristic()
            case .noisyExpert:
                controller = NoisyController(environment.makeHeuristic(), space: environment.spec.actionSpace, sigma: settings.noise, seed: seed)
            case .random: controller = RandomController(space: environment.spec.actionSpace, seed: seed)
            }
            let episode = try Rollout.run(environment, controller: controller, seed: seed, maxSteps: settings.maxSteps, renderSize: size)
            let features = try encode?(episode.frames)
            episodes.append(PoolEpisode(record: episode.record, policy: policy,
                                        costs: cost.costs(termTrace: episode.termTrace, spec: environment.spec),
                                        frames: keepFrames ? TripletAlignment.subsample(episode.frames.count, limit: frameLimit).map { episode.frames[$0] } : [],
                                        features: features,
                                        outcome: episode.outcome.description))
            progress?.advance()
        }
        return RolloutPool(episodes: episodes)
    }
}

/// A controller with Gaussian noise of standard deviation `sigma` on each action component.
public final class NoisyController: Controller {
    private let base: any Controller
    private let space: Space
    private let sigma: Double
    private var generator: SeededGenerator

    public init(_ base: any Controller, space: Space, sigma: Double, seed: UInt64) {
        self.base = base
        self.space = space
        self.sigma = sigma
        generator = SeededGenerator(seed: SeedStream.randomActions.seed(from: seed))
    }

    public func action(for observation: [Float]) -> [Float] {
        space.clip(base.action(for: observation).map { $0 + Float(sigma * generator.normal()) })
    }
}
