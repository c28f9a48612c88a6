import Foundation
import SandboxCore
import Rendering
import PhysicsEnvs

/// What evaluating a solution yields: its objective, its ground-truth measures (for metrics and the
/// simulated judge) and its behaviour features f(x) (for learned measures).
public struct QDEvaluation: Sendable, Equatable, Codable {
    public var objective: Double
    public var groundTruth: [Double]
    public var features: [Float]
    /// The episode's return under the task's own reward, where there is an episode.
    public var episodeReturn: Double?
    public init(objective: Double, groundTruth: [Double], features: [Float], episodeReturn: Double? = nil) {
        self.objective = objective
        self.groundTruth = groundTruth
        self.features = features
        self.episodeReturn = episodeReturn
    }
}

/// A quality-diversity domain: solutions, how they are evaluated, and the episode a person sees.
/// `evaluate` must be deterministic and safe to call from several threads at once.
public protocol QDDomain: AnyObject, Sendable {
    /// Short name used on the command line (`arm`, `lander`).
    var name: String { get }
    /// The task whose episodes show a solution (for clips, judging by people and replay).
    var task: String { get }
    /// A fresh instance of `task`, made directly, so that the domain needs no registry.
    func makeEnvironment() throws -> any Environment
    var solutionSize: Int { get }
    var solutionBounds: ClosedRange<Float> { get }
    var initialSolution: [Float] { get }
    var groundTruthRanges: [ClosedRange<Double>] { get }
    /// The ground-truth measures' names with units, for heatmap axes (e.g. "landing x (−1…1, screen half-widths)").
    var measureNames: [String] { get }
    /// What the objective is, for colour bars (e.g. "objective: (return + 200) / 5").
    var objectiveName: String { get }
    var featureSize: Int { get }
    /// What f(x) is, for bundle manifests.
    var featureDescription: String { get }
    /// How a solution drives the task, for bundle manifests (e.g. "linear-tanh policy: W (2×8) row-major, then b (2)").
    var policyLayout: String { get }
    func evaluate(_ solution: [Float]) throws -> QDEvaluation
    /// The episode in which a solution is shown to people and replayed.
    func episode(of solution: [Float]) throws -> EpisodeRecord
    /// A controller acting as `solution` does in `task`.
    func controller(for solution: [Float]) -> any Controller
    /// The emitter the domain's experiments use (the paper's choice).
    var preferredEmitter: EmitterKind { get }
    /// The budgets a run on this domain uses unless told otherwise.
    var runDefaults: QDRunDefaults { get }
}

/// A domain's default budgets for a QDHF run (`sandbox qdhf` without --judgments, --iterations,
/// --batch, --grid).
public struct QDRunDefaults: Sendable, Equatable {
    /// Similarity judgments from a simulated judge.
    public var judgments: Int
    /// Judgments asked of people (`--judge human`): fewer, since each is a person's time.
    public var humanJudgments = 100
    /// Ask/tell iterations.
    public var iterations: Int
    /// Solutions per emitter batch.
    public var batchSize: Int
    /// Cells per side of the archive grid.
    public var gridSize: Int

    public init(judgments: Int, iterations: Int, batchSize: Int, gridSize: Int) {
        self.judgments = judgments
        self.iterations = iterations
        self.batchSize = batchSize
        self.gridSize = gridSize
    }
}

/// Which emitter a QDHF run uses.
public enum EmitterKind: String, Codable, Sendable {
    case gaussian, isoLine = "iso-line"
}

extension QDDomain {
    public var preferredEmitter: EmitterKind { .gaussian }
    public var measureNames: [String] { groundTruthRanges.indices.map { "measure \($0 + 1)" } }
    public var objectiveName: String { "objective" }
    /// The lander's budgets, a middle ground for a new domain.
    public var runDefaults: QDRunDefaults { QDRunDefaults(judgments: 400, iterations: 200, batchSize: 50, gridSize: 20) }

    public func randomSolution(using generator: inout SeededGenerator) -> [Float] {
        (0..<solutionSize).map { _ in Float(generator.uniform(Double(solutionBounds.lowerBound), Double(solutionBounds.upperBound))) }
    }
}

public enum QDDomains {
    public static let names = ["arm", "maze", "lander"]
    /// The domain called `name`, or nil.
    public static func make(_ name: String) -> (any QDDomain)? {
        switch name {
        case "arm": return ArmDomain()
        case "lander": return LanderStyles()
        case "maze": return MazeDomain()
        default: return nil
        }
    }
}

/// QDHF's robotic arm (`RoboticArm`) as a domain; its episodes are `PlanarArm-v1` clips.
public final class ArmDomain: QDDomain {
    public let arm: RoboticArm
    public init(joints: Int = 10) { arm = RoboticArm(joints: joints) }
    public var name: String { "arm" }
    public var task: String { "PlanarArm-v1" }
    public var solutionSize: Int { arm.joints }
    public var solutionBounds: ClosedRange<Float> { arm.solutionBounds }
    public var initialSolution: [Float] { Array(repeating: 0, count: arm.joints) }
    public var groundTruthRanges: [ClosedRange<Double>] { arm.measureRanges }
    public var measureNames: [String] { ["end effector x (arm lengths)", "end effector y (arm lengths)"] }
    public var objectiveName: String { "objective: 100 · (1 − variance of angles / π)" }
    public var featureSize: Int { 2 * arm.joints }
    public var featureDescription: String { "[cos(cumsum θ), sin(cumsum θ)]" }
    public var policyLayout: String { "joint angles (radians, each relative to the previous link), held as PlanarArm-v1's action" }
    public func makeEnvironment() throws -> any Environment { try arm.makeEnvironment() }
    /// QDHF's arm experiment (Ding et al. 2024): 1,000 judgments, 1,000 iterations of 100, a 50×50 grid.
    public var runDefaults: QDRunDefaults { QDRunDefaults(judgments: 1000, iterations: 1000, batchSize: 100, gridSize: 50) }
    public func evaluate(_ solution: [Float]) throws -> QDEvaluation {
        QDEvaluation(objective: arm.objective(solution), groundTruth: arm.endEffector(solution), features: arm.features(solution))
    }
    public func episode(of solution: [Float]) throws -> EpisodeRecord { try arm.episode(of: solution) }
    public func controller(for solution: [Float]) -> any Controller { ArmPoseController(solution) }
}
