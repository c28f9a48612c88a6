import Foundation
import SandboxCore
import Rendering
import PhysicsEnvs

/// Landing styles: linear policies for `LunarLanderContinuous-v1`, the archive of diverse policies
/// that users export.
///
/// - **Solution:** a linear-tanh policy a = tanh(W·s + b): W (2×8, row-major) then b (2), 18 values
///   in [−1, 1].
/// - **Objective:** the episode return on a fixed seed, clipped to [−200, 300] and mapped to
///   (return + 200) / 5 ∈ [0, 100], so that QD scores sit on the arm's scale.
/// - **Ground-truth measures:** where the lander ends (horizontal position x, in [−1, 1]) and how long
///   the episode lasts (steps / 1000, in [0, 1]).
/// - **Features f(x):** the (x, y) trajectory at steps 50, 100, …, 500 (the last state repeated after
///   the episode ends): 2 × 10 values.
public final class LanderStyles: QDDomain {
    public static let trajectoryPoints = 10
    /// Steps over which the trajectory is sampled (most landings end well within it).
    public static let trajectoryHorizon = 500
    public static let observationSize = 8, actionSize = 2
    /// Episodes are evaluated from this seed (one fixed terrain and start).
    public let seed: UInt64
    public init(seed: UInt64 = 0) { self.seed = seed }

    public var name: String { "lander" }
    public var task: String { "LunarLanderContinuous-v1" }
    public var solutionSize: Int { Self.observationSize * Self.actionSize + Self.actionSize }
    public var solutionBounds: ClosedRange<Float> { -1...1 }
    public var initialSolution: [Float] { Array(repeating: 0, count: solutionSize) }
    public var groundTruthRanges: [ClosedRange<Double>] { [-1...1, 0...1] }
    public var measureNames: [String] { ["final x (screen half-widths)", "episode length (fraction of the limit)"] }
    public var objectiveName: String { "objective: (return + 200) / 5" }
    public var featureSize: Int { 2 * Self.trajectoryPoints }
    public var featureDescription: String { "(x, y) of the lander at steps 50, 100, …, 500 (last state held)" }
    public var policyLayout: String { "linear-tanh policy a = tanh(W·s + b): W (2×8, row-major), then b (2)" }

    public func makeEnvironment() throws -> any Environment { try LunarLander() }

    public func controller(for solution: [Float]) -> any Controller { LinearTanhPolicy(solution, observationSize: Self.observationSize) }

    public func episode(of solution: [Float]) throws -> EpisodeRecord {
        try Rollout.run(try makeEnvironment(), controller: controller(for: solution), seed: seed).record
    }

    public func evaluate(_ solution: [Float]) throws -> QDEvaluation {
        let episode = try Rollout.run(try makeEnvironment(), controller: controller(for: solution), seed: seed, keepObservations: true)
        let states = episode.observations
        let maxSteps = 1000.0
        var features: [Float] = []
        for k in 0..<Self.trajectoryPoints {
            let step = Swift.min((k + 1) * Self.trajectoryHorizon / Self.trajectoryPoints, states.count - 1)
            features += [states[step][0], states[step][1]]
        }
        let last = states[states.count - 1]
        let clipped = Swift.min(Swift.max(episode.record.episodeReturn, -200), 300)
        return QDEvaluation(objective: (clipped + 200) / 5,
                            groundTruth: [Swift.min(Swift.max(Double(last[0]), -1), 1), Double(episode.record.length) / maxSteps],
                            features: features, episodeReturn: episode.record.episodeReturn)
    }
}

/// a = tanh(W·s + b) with W (actions × observations, row-major) then b in one flat vector.
public final class LinearTanhPolicy: Controller {
    public let parameters: [Float]
    public let observationSize: Int
    public init(_ parameters: [Float], observationSize: Int) {
        self.parameters = parameters
        self.observationSize = observationSize
    }
    public func action(for observation: [Float]) -> [Float] {
        let actions = parameters.count / (observationSize + 1)
        return (0..<actions).map { a in
            var sum = parameters[actions * observationSize + a]
            for i in 0..<observationSize { sum += parameters[a * observationSize + i] * observation[i] }
            return tanh(sum)
        }
    }
}
