import Foundation
import SandboxCore
import Rendering

/// A wheeled robot with range sensors in a deceptive maze, after the maze-navigation domain of
/// novelty search (Lehman & Stanley 2011) that QD work (and QDHF's maze experiment) uses: the goal is
/// straight above the start, behind two walls, so greedily approaching it leads into a dead end.
///
/// - **World:** a 12 m × 12 m arena (no gravity) with two inner walls: y = 4 m from x = 0 to 8 m and
///   y = 8 m from x = 4 to 12 m. The robot is a Box2D disc of radius 0.3 m.
/// - **Action space:** Box(−1, 1, (2,)): forward speed (× 1.5 m/s) and turn rate (× 2 rad/s).
/// - **Observation space:** five rangefinders at −90°, −45°, 0°, 45°, 90° from the heading (hit
///   fraction of a 4 m ray, in [0, 1]); the goal's direction in the robot's frame (unit vector); and
///   the distance to the goal divided by the arena's diagonal.
/// - **Reward terms:** `progress` (decrease of the distance to the goal, m) and `goal` (+10 on arrival).
/// - **Start state:** (1.5, 1.5) m, heading up, plus seeded noise of ±0.1 m and ±0.1 rad.
/// - **Termination:** within 0.5 m of the goal at (10.5, 10.5) m; truncation after 600 steps (30 s).
public final class MazeNavigation: EpisodicTask {
    public static let name = "MazeNavigation"
    public static let version = 1
    public static let defaultOptions: [String: Double] = ["max_episode_steps": 600]
    /// The reward terms, in order.
    public enum Term: Int, RewardTerm { case progress, goal }
    public static let termNames = Term.names
    static let arenaSize: Float = 12
    static let walls: [(Vec2, Vec2)] = [
        (Vec2(0, 0), Vec2(12, 0)), (Vec2(12, 0), Vec2(12, 12)), (Vec2(12, 12), Vec2(0, 12)), (Vec2(0, 12), Vec2(0, 0)),
        (Vec2(0, 4), Vec2(8, 4)), (Vec2(4, 8), Vec2(12, 8)),
    ]
    public static let start = (x: 1.5, y: 1.5)
    public static let goal = (x: 10.5, y: 10.5)
    static let robotRadius: Float = 0.3
    static let goalRadius = 0.5
    static let maxSpeed: Float = 1.5, maxTurnRate: Float = 2
    static let sensorAngles: [Float] = [-.pi / 2, -.pi / 4, 0, .pi / 4, .pi / 2]
    static let sensorRange: Float = 4
    static let timeStep: Float = 1.0 / 20
    static let framesPerSecond = 20
    static let viewportSize = 400.0

    public let spec: TaskSpec
    public let options: [String: Double]
    public var clock: EpisodeClock
    private var world: PhysicsWorld?
    private var robot: PhysicsBody!
    private var generator = SeededGenerator(seed: 0)
    private var previousDistance = 0.0
    private var ranges = [Float](repeating: 1, count: 5)
    private let canvases = CanvasCache()

    public init(options: [String: Double] = [:]) throws(EnvironmentError) {
        let resolved = try resolveOptions(options, defaults: Self.defaultOptions, task: Self.name)
        let maxEpisodeSteps = Int(resolved["max_episode_steps"]!)
        clock = EpisodeClock(maxEpisodeSteps: maxEpisodeSteps)
        self.options = resolved
        spec = Self.makeSpec(maxEpisodeSteps: maxEpisodeSteps)
    }

    static func makeSpec(maxEpisodeSteps: Int = 600) -> TaskSpec {
        TaskSpec(
            name: name, version: version,
            observationSpace: .box(BoxSpace(low: [0, 0, 0, 0, 0, -1, -1, 0], high: [1, 1, 1, 1, 1, 1, 1, 1])),
            actionSpace: .box(BoxSpace(uniformLow: -1, high: 1, shape: [2])),
            rewardTerms: termNames, maxEpisodeSteps: maxEpisodeSteps, framesPerSecond: framesPerSecond,
            renderWidth: Int(viewportSize), renderHeight: Int(viewportSize), defaultOptions: defaultOptions,
            summary: "drive a range-sensing robot through a deceptive maze to the goal (QD's maze domain)")
    }

    /// The robot's position (m) and heading (rad).
    public var pose: (x: Double, y: Double, heading: Double) {
        guard let robot else { return (Self.start.x, Self.start.y, .pi / 2) }
        return (Double(robot.position.x), Double(robot.position.y), Double(robot.angle))
    }

    private var distanceToGoal: Double {
        let p = pose
        return ((p.x - Self.goal.x) * (p.x - Self.goal.x) + (p.y - Self.goal.y) * (p.y - Self.goal.y)).squareRoot()
    }

    private func sense() -> [Float] {
        let origin = robot.position, heading = robot.angle
        let ends = Self.sensorAngles.map { a in
            Vec2(origin.x + Self.sensorRange * cos(heading + a), origin.y + Self.sensorRange * sin(heading + a))
        }
        var points: [Vec2] = []
        world!.rayCastFan(from: origin, to: ends, categoryMask: 0x0002, fractions: &ranges, points: &points)
        let p = pose
        let dx = Self.goal.x - p.x, dy = Self.goal.y - p.y, d = Swift.max((dx * dx + dy * dy).squareRoot(), 1e-9)
        let c = cos(-p.heading), s = sin(-p.heading)
        let diagonal = Double(Self.arenaSize) * 2.0.squareRoot()
        return ranges + [Float((c * dx - s * dy) / d), Float((s * dx + c * dy) / d), Float(Swift.min(d / diagonal, 1))]
    }

    // MARK: reset

    public func startEpisode(seed: UInt64) -> [Float] {
        generator = SeededGenerator(seed: seed)
        let world = PhysicsWorld(gravity: Vec2(0, 0))
        let walls = world.createBody(.staticBody, at: Vec2(0, 0))
        for (a, b) in Self.walls { walls.addEdge(a, b, FixtureMaterial(friction: 0, categoryBits: 0x0002)) }
        let x = Self.start.x + generator.uniform(-0.1, 0.1), y = Self.start.y + generator.uniform(-0.1, 0.1)
        robot = world.createBody(.dynamicBody, at: Vec2(x, y), angle: Float(Double.pi / 2 + generator.uniform(-0.1, 0.1)))
        robot.addCircle(radius: Self.robotRadius, FixtureMaterial(density: 1, friction: 0, categoryBits: 0x0001, maskBits: 0x0002))
        self.world = world
        previousDistance = distanceToGoal
        return sense()
    }

    // MARK: step

    public func advance(_ action: [Float]) -> StepResult {
        let heading = robot.angle
        robot.setLinearVelocity(Vec2(Self.maxSpeed * action[0] * cos(heading), Self.maxSpeed * action[0] * sin(heading)))
        robot.setAngularVelocity(Self.maxTurnRate * action[1])
        world!.step(Self.timeStep, velocityIterations: 6, positionIterations: 2)
        let observation = sense()
        let distance = distanceToGoal
        let progress = previousDistance - distance
        previousDistance = distance
        let arrived = distance < Self.goalRadius
        var terms = TermValues<Term>()
        terms[.progress] = progress
        terms[.goal] = arrived ? 10.0 : 0
        return StepResult(observation: observation, reward: terms.total, terms: terms.values,
                          isTerminated: arrived, isTruncated: false, info: ["x": pose.x, "y": pose.y])
    }

    // MARK: render

    public func render(into frame: inout Frame) {
        let canvas = canvases.canvas(width: frame.width, height: frame.height)
        let size = Double(Self.arenaSize)
        canvas.setDesignSpace(width: size, height: size, yUp: true)
        canvas.clear(Color(240, 238, 230))
        canvas.fillCircle(center: (Self.goal.x, Self.goal.y), radius: Self.goalRadius, Color(90, 190, 110))
        for (a, b) in Self.walls {
            canvas.line(from: (Double(a.x), Double(a.y)), to: (Double(b.x), Double(b.y)), Color(40, 40, 50), lineWidth: 0.2)
        }
        if robot != nil {
            let p = pose
            for (angle, fraction) in zip(Self.sensorAngles, ranges) {
                let length = Double(Self.sensorRange * fraction), a = p.heading + Double(angle)
                canvas.line(from: (p.x, p.y), to: (p.x + length * cos(a), p.y + length * sin(a)), Color(230, 120, 100), lineWidth: 0.03)
            }
            canvas.fillCircle(center: (p.x, p.y), radius: Double(Self.robotRadius), Color(70, 90, 200))
            canvas.line(from: (p.x, p.y), to: (p.x + 0.45 * cos(p.heading), p.y + 0.45 * sin(p.heading)), .white, lineWidth: 0.08)
        }
        canvas.copy(into: &frame)
    }

    /// Steers towards the goal and turns away from walls ahead: it goes straight for the goal, so the
    /// maze's deception traps it against the first wall.
    public func makeHeuristic() -> any Controller { MazeGreedyController() }
    /// The only way a maze episode terminates.
    public var terminationReason: String { "reached the goal" }
}

/// Turns towards the goal's direction, slowing and turning left when the way ahead is blocked.
public final class MazeGreedyController: Controller {
    public init() {}
    public func action(for s: [Float]) -> [Float] {
        let bearing = atan2(s[6], s[5])
        if s[2] < 0.15 { return [0.1, 1] }
        return [Swift.min(1, s[2] * 2), Swift.max(-1, Swift.min(1, bearing * 2))]
    }
}
