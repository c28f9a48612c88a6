import Foundation
import SandboxCore
import Rendering
import PhysicsEnvs

/// QDHF's maze domain: small neural policies driving the range-sensing robot of `MazeNavigation-v1`.
///
/// - **Solution:** an MLP policy 8 → 8 (tanh) → 2 (tanh), weights then biases per layer, weights
///   row-major (output × input): 90 values in [−1, 1].
/// - **Objective:** 100 · (1 − final distance to the goal / start distance), clipped to [0, 100].
/// - **Ground-truth measures:** the final position (x, y), in metres, in [0, 12]².
/// - **Features f(x):** the (x, y) trajectory at steps 60, 120, …, 600, divided by 12.
/// - **Emitter:** iso-line (Vassiliades & Mouret 2018), as in the paper.
public final class MazeDomain: QDDomain {
    public static let hiddenSize = 8
    public static let trajectoryPoints = 10
    public let seed: UInt64
    public init(seed: UInt64 = 0) { self.seed = seed }

    public var name: String { "maze" }
    public var task: String { "MazeNavigation-v1" }
    static let observationSize = 8, actionSize = 2
    public var solutionSize: Int { (Self.observationSize + 1) * Self.hiddenSize + (Self.hiddenSize + 1) * Self.actionSize }
    public var solutionBounds: ClosedRange<Float> { -1...1 }
    public var initialSolution: [Float] { Array(repeating: 0, count: solutionSize) }
    public var groundTruthRanges: [ClosedRange<Double>] { [0...12, 0...12] }
    public var measureNames: [String] { ["final x (m)", "final y (m)"] }
    public var objectiveName: String { "objective: progress to the goal (%)" }
    public var featureSize: Int { 2 * Self.trajectoryPoints }
    public var featureDescription: String { "(x, y) of the robot at steps 60, 120, …, 600, divided by 12" }
    public var preferredEmitter: EmitterKind { .isoLine }
    public var policyLayout: String { "MLP 8 → 8 (tanh) → 2 (tanh): W1 (8×8, row-major), b1 (8), W2 (2×8), b2 (2)" }

    public func makeEnvironment() throws -> any Environment { try MazeNavigation() }
    public var runDefaults: QDRunDefaults { QDRunDefaults(judgments: 200, iterations: 200, batchSize: 50, gridSize: 20) }

    public func controller(for solution: [Float]) -> any Controller {
        SmallMLPPolicy(solution, sizes: [Self.observationSize, Self.hiddenSize, Self.actionSize])
    }

    public func episode(of solution: [Float]) throws -> EpisodeRecord {
        try Rollout.run(try makeEnvironment(), controller: controller(for: solution), seed: seed).record
    }

    public func evaluate(_ solution: [Float]) throws -> QDEvaluation {
        let maze = try MazeNavigation()
        let environment: any Environment = maze
        let policy = controller(for: solution)
        var observation = environment.reset(seed: seed)
        let start = maze.pose
        var positions: [(Double, Double)] = []
        var total = 0.0
        while true {
            let result = try environment.step(policy.action(for: observation))
            observation = result.observation
            total += result.reward
            positions.append((maze.pose.x, maze.pose.y))
            if result.isDone { break }
        }
        let horizon = environment.spec.maxEpisodeSteps
        var features: [Float] = []
        for k in 1...Self.trajectoryPoints {
            let p = positions[Swift.min(k * horizon / Self.trajectoryPoints, positions.count) - 1]
            features += [Float(p.0 / 12), Float(p.1 / 12)]
        }
        let last = positions[positions.count - 1]
        func distance(_ x: Double, _ y: Double) -> Double {
            ((x - MazeNavigation.goal.x) * (x - MazeNavigation.goal.x) + (y - MazeNavigation.goal.y) * (y - MazeNavigation.goal.y)).squareRoot()
        }
        let objective = Swift.min(Swift.max(100 * (1 - distance(last.0, last.1) / distance(start.x, start.y)), 0), 100)
        return QDEvaluation(objective: objective, groundTruth: [Swift.min(Swift.max(last.0, 0), 12), Swift.min(Swift.max(last.1, 0), 12)],
                            features: features, episodeReturn: total)
    }
}

/// A small tanh MLP policy from one flat parameter vector: per layer, weights (output × input,
/// row-major) then biases.
public final class SmallMLPPolicy: Controller {
    public let parameters: [Float]
    public let sizes: [Int]
    public init(_ parameters: [Float], sizes: [Int]) {
        precondition(parameters.count == zip(sizes, sizes.dropFirst()).map { ($0 + 1) * $1 }.reduce(0, +), "parameter count does not fit the layer sizes")
        self.parameters = parameters
        self.sizes = sizes
    }
    public func action(for observation: [Float]) -> [Float] {
        var x = observation, offset = 0
        for (inputs, outputs) in zip(sizes, sizes.dropFirst()) {
            var y = [Float](repeating: 0, count: outputs)
            for o in 0..<outputs {
                var sum = parameters[offset + inputs * outputs + o]
                for i in 0..<inputs { sum += parameters[offset + o * inputs + i] * x[i] }
                y[o] = tanh(sum)
            }
            offset += (inputs + 1) * outputs
            x = y
        }
        return x
    }
}
