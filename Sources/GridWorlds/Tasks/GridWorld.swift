import Foundation
import Rendering
import SandboxCore

/// A square gridworld with four discrete moves: the smallest tabular task, and the skeleton that
/// Knox et al.'s delivery domain builds on.
///
/// - **Action space:** Discrete(4): 0 up, 1 right, 2 down, 3 left. A move into the outer wall leaves
///   the agent where it is.
/// - **Observation space:** Discrete(size²): the agent's cell, `row · size + column`, row 0 at the top.
/// - **Reward terms:** `step` (−1 every step) and `goal` (+10 on reaching the goal cell).
/// - **Start state:** a uniform cell other than the goal, from the seed. The goal is the bottom-right
///   cell.
/// - **Termination:** on reaching the goal; truncation after `max_episode_steps` (default 50).
/// - **Options:** `size` (cells per side, 2–32, default 5), `max_episode_steps`.
public final class GridWorld: EpisodicTask {
    public static let name = "GridWorld"
    public static let version = 1
    public static let defaultOptions: [String: Double] = ["size": 5, "max_episode_steps": 50]
    /// The reward terms, in order.
    public enum Term: Int, RewardTerm { case step, goal }
    /// The four moves, in the order of the action space.
    public enum Move: Int, CaseIterable { case up, right, down, left }
    static let stepReward = -1.0
    static let goalReward = 10.0
    static let framesPerSecond = 4
    /// Render size in pixels for people.
    static let viewportSize = 400

    public let spec: TaskSpec
    public let options: [String: Double]
    public let size: Int
    public var clock: EpisodeClock
    /// The agent's cell.
    public private(set) var row = 0, column = 0
    private let canvases = CanvasCache()

    public init(options: [String: Double] = [:]) throws(EnvironmentError) {
        let resolved = try resolveOptions(options, defaults: Self.defaultOptions, task: Self.name)
        let size = resolved["size"]!
        guard size >= 2, size <= 32, size == size.rounded() else {
            throw .invalidOption(task: Self.name, option: "size", reason: "\(size.plainText) is not a whole number from 2 to 32")
        }
        self.size = Int(size)
        self.options = resolved
        let maxEpisodeSteps = Int(resolved["max_episode_steps"]!)
        clock = EpisodeClock(maxEpisodeSteps: maxEpisodeSteps)
        spec = Self.makeSpec(size: self.size, maxEpisodeSteps: maxEpisodeSteps)
    }

    static func makeSpec(size: Int = 5, maxEpisodeSteps: Int = 50) -> TaskSpec {
        TaskSpec(
            name: name, version: version,
            observationSpace: .discrete(DiscreteSpace(size * size)),
            actionSpace: .discrete(DiscreteSpace(Move.allCases.count)),
            rewardTerms: Term.names, maxEpisodeSteps: maxEpisodeSteps, framesPerSecond: framesPerSecond,
            renderWidth: viewportSize, renderHeight: viewportSize, defaultOptions: defaultOptions,
            summary: "walk to the bottom-right cell of a square grid with four discrete moves")
    }

    var goal: (row: Int, column: Int) { (size - 1, size - 1) }
    private var observation: [Float] { [Float(row * size + column)] }

    // MARK: reset

    public func startEpisode(seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        let cell = generator.integer(0, size * size - 1)  // every cell but the goal, the last one
        row = cell / size
        column = cell % size
        return observation
    }

    // MARK: step

    public func advance(_ action: [Float]) -> StepResult {
        switch Move(rawValue: Int(action[0]))! {
        case .up: row = max(row - 1, 0)
        case .right: column = min(column + 1, size - 1)
        case .down: row = min(row + 1, size - 1)
        case .left: column = max(column - 1, 0)
        }
        let arrived = row == goal.row && column == goal.column
        var terms = TermValues<Term>()
        terms[.step] = Self.stepReward
        if arrived { terms[.goal] = Self.goalReward }
        return StepResult(observation: observation, reward: terms.total, terms: terms.values,
                          isTerminated: arrived, isTruncated: false, info: ["row": Double(row), "column": Double(column)])
    }

    // MARK: render

    public func render(into frame: inout Frame) {
        let canvas = canvases.canvas(width: frame.width, height: frame.height)
        let cell = Double(Self.viewportSize) / Double(size)
        canvas.setDesignSpace(width: Double(Self.viewportSize), height: Double(Self.viewportSize), yUp: false)
        canvas.clear(Color(245, 245, 240))
        for k in 0...size {
            let at = Double(k) * cell
            canvas.line(from: (at, 0), to: (at, Double(Self.viewportSize)), Color(190, 190, 190))
            canvas.line(from: (0, at), to: (Double(Self.viewportSize), at), Color(190, 190, 190))
        }
        let g = (Double(goal.column) * cell, Double(goal.row) * cell)
        canvas.fillPolygon([(g.0 + 4, g.1 + 4), (g.0 + cell - 4, g.1 + 4), (g.0 + cell - 4, g.1 + cell - 4), (g.0 + 4, g.1 + cell - 4)],
                           Color(90, 180, 90))
        canvas.fillCircle(center: ((Double(column) + 0.5) * cell, (Double(row) + 0.5) * cell), radius: cell * 0.3, Color(220, 60, 40))
        canvas.copy(into: &frame)
    }

    /// Walks down, then right: a shortest path to the goal.
    public func makeHeuristic() -> any Controller { GridWorldHeuristic(size: size) }
    /// The only way a grid episode terminates.
    public var terminationReason: String { "reached the goal" }
}

/// A shortest path to the bottom-right goal: down until the last row, then right.
public final class GridWorldHeuristic: Controller {
    let size: Int
    public init(size: Int) { self.size = size }
    public func action(for observation: [Float]) -> [Float] {
        let cell = Int(observation[0])
        return [Float(cell / size < size - 1 ? GridWorld.Move.down.rawValue : GridWorld.Move.right.rawValue)]
    }
}
