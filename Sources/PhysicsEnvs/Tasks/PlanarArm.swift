import Foundation
import SandboxCore
import Rendering

/// The planar robotic arm of quality-diversity work (Vassiliades & Mouret 2018; QDHF, Ding et al. 2024)
/// as a task, so that an arm pose can be recorded, replayed and shown to a person as a clip.
///
/// `joints` revolute joints of equal length, total length 1, base at the origin.
///
/// - **Action space:** Box(−π, π, (joints,)): target joint angles (radians, each relative to the
///   previous link). A QD solution is one such target, held for the whole episode.
/// - **Observation space:** Box(−π, π, (joints,)) current joint angles, then Box(−1, 1, (2,)) the
///   end-effector position.
/// - **Dynamics:** kinematic; each step moves every joint `approachRate` of the way to its target.
/// - **Reward terms:** `smoothness` only: (100·(1 − variance(θ/π))) / maxEpisodeSteps per step, QD's
///   arm objective spread over the episode so that the return of a held pose is the objective.
/// - **Start state:** every joint at 0 plus uniform noise of ±`startNoise` rad from the seed.
/// - **Termination:** none; truncation after `maxEpisodeSteps` (30) steps.
public final class PlanarArm: EpisodicTask {
    public static let name = "PlanarArm"
    public static let version = 1
    public static let defaultOptions: [String: Double] = ["joints": 10, "max_episode_steps": 30]
    /// The reward terms, in order.
    public enum Term: Int, RewardTerm { case smoothness }
    public static let termNames = Term.names
    /// Fraction of the remaining angle each joint moves per step.
    static let approachRate = 0.2
    /// Radians of seeded noise on the start pose.
    static let startNoise = 0.05
    static let framesPerSecond = 15
    static let viewportSize = 400.0

    public let spec: TaskSpec
    public let options: [String: Double]
    public let joints: Int
    public var clock: EpisodeClock
    private var angles: [Double]
    private var generator = SeededGenerator(seed: 0)
    private let canvases = CanvasCache()

    public init(options: [String: Double] = [:]) throws(EnvironmentError) {
        let resolved = try resolveOptions(options, defaults: Self.defaultOptions, task: Self.name)
        let joints = resolved["joints"]!
        guard joints >= 1, joints <= 100, joints == joints.rounded() else {
            throw .invalidOption(task: Self.name, option: "joints", reason: "\(joints.plainText) is not a whole number from 1 to 100")
        }
        self.joints = Int(joints)
        let maxEpisodeSteps = Int(resolved["max_episode_steps"]!)
        clock = EpisodeClock(maxEpisodeSteps: maxEpisodeSteps)
        self.options = resolved
        angles = Array(repeating: 0, count: self.joints)
        spec = Self.makeSpec(joints: self.joints, maxEpisodeSteps: maxEpisodeSteps)
    }

    static func makeSpec(joints: Int = 10, maxEpisodeSteps: Int = 30) -> TaskSpec {
        TaskSpec(
            name: name, version: version,
            observationSpace: .box(BoxSpace(low: Array(repeating: -.pi, count: joints) + [-1, -1],
                                       high: Array(repeating: .pi, count: joints) + [1, 1])),
            actionSpace: .box(BoxSpace(uniformLow: -.pi, high: .pi, shape: [joints])),
            rewardTerms: termNames, maxEpisodeSteps: maxEpisodeSteps, framesPerSecond: framesPerSecond,
            renderWidth: Int(viewportSize), renderHeight: Int(viewportSize), defaultOptions: defaultOptions,
            summary: "kinematic planar arm moving to target joint angles; QDHF's arm domain as clips")
    }

    /// End-effector position (x, y) of joint angles, in arm lengths.
    public static func endEffector(_ angles: [Double]) -> (x: Double, y: Double) {
        let link = 1.0 / Double(angles.count)
        var total = 0.0, x = 0.0, y = 0.0
        for angle in angles {
            total += angle
            x += link * cos(total)
            y += link * sin(total)
        }
        return (x, y)
    }

    private var observation: [Float] {
        let tip = Self.endEffector(angles)
        return angles.map { Float($0) } + [Float(tip.x), Float(tip.y)]
    }

    // MARK: reset

    public func startEpisode(seed: UInt64) -> [Float] {
        generator = SeededGenerator(seed: seed)
        angles = (0..<joints).map { _ in generator.uniform(-Self.startNoise, Self.startNoise) }
        return observation
    }

    // MARK: step

    public func advance(_ action: [Float]) -> StepResult {
        for i in 0..<joints { angles[i] += Self.approachRate * (Double(action[i]) - angles[i]) }
        let scaled = angles.map { $0 / .pi }
        let mean = scaled.reduce(0, +) / Double(joints)
        let variance = scaled.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(joints)
        let smoothness = 100 * (1 - variance) / Double(clock.maxEpisodeSteps)
        return StepResult(observation: observation, reward: smoothness, terms: TermValues<Term>.only(.smoothness, smoothness).values,
                          isTerminated: false, isTruncated: false, info: [:])
    }

    // MARK: render

    public func render(into frame: inout Frame) {
        let canvas = canvases.canvas(width: frame.width, height: frame.height)
        let size = Self.viewportSize, scale = size * 0.45
        canvas.setDesignSpace(width: size, height: size, yUp: true)
        canvas.clear(Color(245, 245, 240))
        // Reach circle and axes.
        let circle = (0...64).map { k -> (Double, Double) in
            let a = Double(k) / 64 * 2 * .pi
            return (size / 2 + scale * cos(a), size / 2 + scale * sin(a))
        }
        canvas.strokePolyline(circle, Color(200, 200, 200), lineWidth: 1)
        canvas.line(from: (size / 2 - scale, size / 2), to: (size / 2 + scale, size / 2), Color(220, 220, 220))
        canvas.line(from: (size / 2, size / 2 - scale), to: (size / 2, size / 2 + scale), Color(220, 220, 220))
        var points = [(size / 2, size / 2)]
        var total = 0.0
        let link = scale / Double(joints)
        for angle in angles {
            total += angle
            let last = points[points.count - 1]
            points.append((last.0 + link * cos(total), last.1 + link * sin(total)))
        }
        // Links one by one (no mitred joins, whose spikes at sharp bends look like extra links).
        for k in 1..<points.count { canvas.line(from: points[k - 1], to: points[k], Color(60, 70, 140), lineWidth: 5) }
        for p in points.dropLast() { canvas.fillCircle(center: p, radius: 4, Color(30, 30, 36)) }
        canvas.fillCircle(center: points[points.count - 1], radius: 8, Color(220, 60, 40))
        canvas.copy(into: &frame)
    }

    /// Curls into an even arc (every joint at 0.3 rad): the smoothest kind of pose, objective 100.
    public func makeHeuristic() -> any Controller { ArmPoseController(Array(repeating: 0.3, count: joints)) }
}

/// Holds one pose: the action is always the same target angles (a QD solution as a controller).
public final class ArmPoseController: Controller {
    public let target: [Float]
    public init(_ target: [Float]) { self.target = target }
    public func action(for observation: [Float]) -> [Float] { target }
}
