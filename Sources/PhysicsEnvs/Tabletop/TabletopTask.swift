import Foundation
import SandboxCore
import Rendering

/// Which tabletop task: what the robot should do with the three debris pieces.
public enum TabletopObjective: String, CaseIterable, Sendable {
    case sweepToTop = "SweepToTop"
    case avoiding = "Avoiding"
    case grouping = "Grouping"

    var termNames: [String] {
        switch self {
        case .sweepToTop: ["in_goal", "distance"]
        case .avoiding: ["in_goal", "distance", "zone"]
        case .grouping: ["spread", "spot"]
        }
    }

    func episodeSteps(for body: TabletopBody) -> Int {
        switch self {
        case .sweepToTop: body.sweepEpisodeSteps
        case .avoiding: Avoiding.episodeSteps
        case .grouping: Grouping.episodeSteps
        }
    }

    var summary: String {
        switch self {
        case .sweepToTop: "push three debris pieces into the goal strip at the top (X-Magical's SweepToTop)"
        case .avoiding: "sweep the debris to the top while keeping out of an off-limits zone (RAPL's avoiding)"
        case .grouping: "bring the three blocks together at a spot (RAPL's grouping)"
        }
    }

    func nextPush(debris: [Vec2], robot: Vec2, body: TabletopBody) -> TabletopPush? {
        switch self {
        case .sweepToTop: SweepToTop.nextPush(debris: debris, robot: robot, body: body)
        case .avoiding: Avoiding.nextPush(debris: debris, robot: robot, body: body)
        case .grouping: Grouping.nextPush(debris: debris, robot: robot, body: body)
        }
    }
}

/// A top-down tabletop manipulation task in Box2D after X-Magical (kevinzakka/x-magical @ c8d812e): a
/// robot of one of four bodies (`TabletopBody`) pushes three debris pieces on a walled table. The
/// objective (`SweepToTop`, `Avoiding`, `Grouping`) says what counts; the world is `TabletopScene`.
///
/// - **Task ids:** `<Objective>-<Body>-v1`, e.g. `SweepToTop-MediumStick-v1`.
/// - **Action space:** Box(−1, 1, (2,)) for the sticks: forward speed (× 0.8 units/s, saturating above
///   0.8) and turn (rad, the rate capped at 2.5 rad/s); Box(−1, 1, (3,)) for the gripper, whose third
///   action closes the fingers (open at ≤ 0, closed at ≥ 0.39).
/// - **Observation space:** the 16-d state (17-d for the gripper) of `TabletopScene.observation`.
///   Frames of any size come from `render`; 64×64 for learning, 384×384 for people.
/// - **Options:** `variant` (demo, layout, color, shape, dynamics, all), `view` (allo, ego), and for
///   SweepToTop and Avoiding `reward` (both, sparse, dense).
/// - **Start state:** the robot at (0, −0.6) facing +y; the debris as the variant says.
/// - **Termination:** none; episodes are truncated at the time limit (100 steps, 50 for the long
///   stick on SweepToTop).
public final class TabletopTask: EpisodicTask {
    public static let version = 1
    static let framesPerSecond = 8
    static let viewSize = 384.0
    /// The allocentric camera shows the arena × 1.02 (x-magical `ARENA_ZOOM_OUT`).
    static let viewExtent = 2 * 1.1 * 1.02
    static let defaultDebris = [Vec2(-0.5, 0), Vec2(0, 0), Vec2(0.5, 0)]
    /// x positions of the Layout variant, drawn without repeats (x-magical: `np.arange(-0.8, 0.8, 0.48)`).
    static let layoutXs: [Float] = [-0.8, -0.32, 0.16, 0.64]
    /// The range of the Layout variant's shared y (x-magical: U(−0.1, 0.5)).
    static let layoutY = (-0.1, 0.5)

    public let objective: TabletopObjective
    public let body: TabletopBody
    public let spec: TaskSpec
    public let options: [String: Double]
    public var clock: EpisodeClock
    public let variant: TabletopVariant
    public let view: TabletopView
    private let rewardChoice: Int
    private(set) var scene: TabletopScene?
    private(set) var goalColor = TabletopPalette.red
    private var zoneSteps = 0
    let canvases = CanvasCache()

    static func name(_ objective: TabletopObjective, _ body: TabletopBody) -> String { "\(objective.rawValue)-\(body.rawValue)" }

    static func defaultOptions(for objective: TabletopObjective, body: TabletopBody) -> [String: Double] {
        var options: [String: Double] = ["max_episode_steps": Double(objective.episodeSteps(for: body)), "variant": 0, "view": 0]
        if objective != .grouping { options["reward"] = 0 }
        return options
    }

    static func optionChoices(for objective: TabletopObjective) -> [String: [String]] {
        var choices = ["variant": TabletopVariant.names, "view": TabletopView.names]
        if objective != .grouping { choices["reward"] = SweepToTop.rewardNames }
        return choices
    }

    public init(objective: TabletopObjective, body: TabletopBody, options: [String: Double] = [:]) throws(EnvironmentError) {
        let name = Self.name(objective, body)
        let resolved = try resolveOptions(options, defaults: Self.defaultOptions(for: objective, body: body), task: name)
        for (option, names) in Self.optionChoices(for: objective) {
            try checkChoice(resolved[option]!, names, option: option, task: name)
        }
        self.objective = objective
        self.body = body
        self.options = resolved
        variant = TabletopVariant(rawValue: Int(resolved["variant"]!))!
        view = TabletopView(rawValue: Int(resolved["view"]!))!
        rewardChoice = Int(resolved["reward"] ?? 0)
        let maxEpisodeSteps = Int(resolved["max_episode_steps"]!)
        clock = EpisodeClock(maxEpisodeSteps: maxEpisodeSteps)
        spec = Self.makeSpec(objective: objective, body: body, maxEpisodeSteps: maxEpisodeSteps)
    }

    static func makeSpec(objective: TabletopObjective, body: TabletopBody, maxEpisodeSteps: Int? = nil) -> TaskSpec {
        let n = body == .gripper ? 17 : 16
        var low = [Float](repeating: -1.2, count: 8) + [-1, -1] + [Float](repeating: 0, count: 6)
        var high = [Float](repeating: 1.2, count: 8) + [1, 1] + [Float](repeating: 1.2, count: 6)
        if n == 17 { low.append(0); high.append(1) }
        return TaskSpec(
            name: name(objective, body), version: version,
            observationSpace: .box(BoxSpace(low: low, high: high)),
            actionSpace: .box(BoxSpace(uniformLow: -1, high: 1, shape: [body.actionCount])),
            rewardTerms: objective.termNames, maxEpisodeSteps: maxEpisodeSteps ?? objective.episodeSteps(for: body),
            framesPerSecond: framesPerSecond, renderWidth: Int(viewSize), renderHeight: Int(viewSize),
            defaultOptions: defaultOptions(for: objective, body: body),
            summary: "\(objective.summary), with the \(body.displayName)",
            optionChoices: optionChoices(for: objective))
    }

    // MARK: reset

    /// Each randomised aspect draws from its own stream of the seed, so a variant changes only its aspect.
    public func startEpisode(seed: UInt64) -> [Float] {
        var positions = Self.defaultDebris
        if variant.randomisesLayout {
            var g = SeededGenerator(seed: seed &* 4 &+ 1)
            let y = Float(g.uniform(Self.layoutY.0, Self.layoutY.1))
            var xs = Self.layoutXs
            positions = (0..<3).map { _ in Vec2(xs.remove(at: g.integer(0, xs.count)), y) }
        }
        var shapes = [DebrisShape](repeating: .square, count: 3)
        if variant.randomisesShape {
            var g = SeededGenerator(seed: seed &* 4 &+ 2)
            shapes = (0..<3).map { _ in DebrisShape(rawValue: g.integer(0, 4))! }
        }
        var colors = [TabletopPalette](repeating: .red, count: 3)
        goalColor = .red
        if variant.randomisesColor {
            var g = SeededGenerator(seed: seed &* 4 &+ 3)
            goalColor = TabletopPalette(rawValue: g.integer(0, 4))!
            colors = (0..<3).map { _ in TabletopPalette(rawValue: g.integer(0, 4))! }
        }
        var dynamics = TabletopDynamics()
        if variant.randomisesDynamics {
            var g = SeededGenerator(seed: seed &* 4 &+ 4)
            dynamics = TabletopDynamics.sample(using: &g)
        }
        scene = TabletopScene(body: body, debrisPositions: positions, shapes: shapes, colors: colors, dynamics: dynamics)
        zoneSteps = 0
        return scene!.observation()
    }

    // MARK: step

    public func advance(_ action: [Float]) -> StepResult {
        let scene = scene!
        scene.step(action)
        let positions = scene.debris.map(\.body.position)
        var terms: [Double]
        var info: [String: Double] = [:]
        switch objective {
        case .sweepToTop, .avoiding:
            let inGoal = SweepToTop.fractionInGoal(scene), distance = SweepToTop.denseDistance(scene)
            info["in_goal"] = inGoal
            info["distance"] = distance
            info["score"] = inGoal
            terms = [rewardChoice == 2 ? 0 : inGoal, rewardChoice == 1 ? 0 : distance]
            if objective == .avoiding {
                let inside = Avoiding.bodiesInZone(scene)
                if inside > 0 { zoneSteps += 1 }
                info["zone_steps"] = Double(zoneSteps)
                if zoneSteps > 0 { info["score"] = 0 }
                terms.append(-Double(inside))
            }
        case .grouping:
            let spread = Grouping.meanPairwiseDistance(positions), spot = Grouping.centroidDistance(positions)
            terms = [-spread, -spot]
            info["score"] = Grouping.isGrouped(positions) ? 1 : 0
        }
        info["x"] = Double(scene.robotPosition.x)
        info["y"] = Double(scene.robotPosition.y)
        return StepResult(observation: scene.observation(), reward: terms.reduce(0, +), terms: terms,
                          isTerminated: false, isTruncated: false, info: info)
    }

    /// The scripted expert for this task and body (`TabletopExpert`).
    public func makeHeuristic() -> any Controller { TabletopExpert(objective: objective, body: body) }
}

extension TabletopBody {
    var displayName: String {
        switch self {
        case .shortStick: "short stick"
        case .mediumStick: "medium stick"
        case .longStick: "long stick"
        case .gripper: "gripper"
        }
    }
}

/// The tabletop tasks this module contributes to a `TaskRegistry`: every objective × body, in that order.
public enum TabletopTasks {
    public static let entries: [TaskEntry] = TabletopObjective.allCases.flatMap { objective in
        TabletopBody.allCases.map { body in
            TaskEntry(spec: TabletopTask.makeSpec(objective: objective, body: body)) { options throws(EnvironmentError) in
                try TabletopTask(objective: objective, body: body, options: options)
            }
        }
    }
}
