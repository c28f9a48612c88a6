import Foundation
import Rendering
import SandboxCore

/// Knox et al.'s delivery domain (arXiv 2206.02231) as a task: drive a car across a 10 × 10 board to
/// the delivery goal in the mud, avoiding sheep, collecting coins, through roadblocks and mud.
///
/// - **Action space:** Discrete(4): 0 up, 1 right, 2 down, 3 left.
/// - **Observation space:** Discrete(100): the car's cell, `row · 10 + column`, row 0 at the top.
/// - **Reward terms** (weight × feature of the cell entered, `DeliveryBoard`): `gas` (−1), `goal`
///   (+50), `sheep` (−50), `coin` (+1), `roadblock` (−1), `mud` (−2).
/// - **Start state:** a uniform non-terminal, non-house cell, from the seed.
/// - **Termination:** entering the goal or a sheep; truncation after `max_episode_steps` (default 100).
/// - **Options:** `board` (0 for Knox et al.'s board, N ≥ 1 for the random board of seed N),
///   `max_episode_steps`.
public final class Delivery: EpisodicTask {
    public static let name = "Delivery"
    public static let version = 1
    public static let defaultOptions: [String: Double] = ["board": 0, "max_episode_steps": 100]
    public typealias Term = DeliveryFeature
    static let framesPerSecond = 4
    /// Render size in pixels for people.
    static let viewportSize = 400

    public let spec: TaskSpec
    public let options: [String: Double]
    public let board: DeliveryBoard
    public var clock: EpisodeClock
    /// The car's cell.
    public private(set) var state = 0
    private let canvases = CanvasCache()

    public init(options: [String: Double] = [:]) throws(EnvironmentError) {
        let resolved = try resolveOptions(options, defaults: Self.defaultOptions, task: Self.name)
        let seed = resolved["board"]!
        guard seed >= 0, seed <= 1e9, seed == seed.rounded() else {
            throw .invalidOption(task: Self.name, option: "board", reason: "\(seed.plainText) is not 0 (Knox et al.'s board) or a seed from 1 to 1000000000")
        }
        board = seed == 0 ? .knox : .random(seed: UInt64(seed))
        self.options = resolved
        let maxEpisodeSteps = Int(resolved["max_episode_steps"]!)
        clock = EpisodeClock(maxEpisodeSteps: maxEpisodeSteps)
        spec = Self.makeSpec(maxEpisodeSteps: maxEpisodeSteps)
    }

    static func makeSpec(maxEpisodeSteps: Int = 100) -> TaskSpec {
        TaskSpec(
            name: name, version: version,
            observationSpace: .discrete(DiscreteSpace(DeliveryBoard.side * DeliveryBoard.side)),
            actionSpace: .discrete(DiscreteSpace(4)),
            rewardTerms: Term.names, maxEpisodeSteps: maxEpisodeSteps, framesPerSecond: framesPerSecond,
            renderWidth: viewportSize, renderHeight: viewportSize, defaultOptions: defaultOptions,
            summary: "Knox et al.'s delivery domain: reach the goal in the mud, avoid sheep (regret studies)")
    }

    // MARK: reset

    public func startEpisode(seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        let starts = board.startStates
        state = starts[generator.integer(0, starts.count)]
        return [Float(state)]
    }

    // MARK: step

    public func advance(_ action: [Float]) -> StepResult {
        let move = board.transition(from: state, action: Int(action[0]))
        state = move.next
        var terms = TermValues<Term>()
        for feature in DeliveryFeature.allCases where move.features[feature.rawValue] != 0 {
            terms[feature] = DeliveryBoard.trueWeights[feature.rawValue] * move.features[feature.rawValue]
        }
        return StepResult(observation: [Float(state)], reward: terms.total, terms: terms.values, isTerminated: move.terminal,
                          isTruncated: false, info: ["row": Double(state / DeliveryBoard.side), "column": Double(state % DeliveryBoard.side)])
    }

    /// Why the episode ended: the goal, or a sheep.
    public var terminationReason: String { board.cells[state] == .sheep ? "hit a sheep" : "delivered" }

    // MARK: render

    public func render(into frame: inout Frame) {
        let canvas = canvases.canvas(width: frame.width, height: frame.height)
        Self.draw(board, car: state, on: canvas)
        canvas.copy(into: &frame)
    }

    /// Draws `board` with the car in cell `car` (nil: no car) in a 400 × 400 design space.
    public static func draw(_ board: DeliveryBoard, car: Int?, on canvas: Canvas) {
        let size = Double(viewportSize), side = DeliveryBoard.side
        let cell = size / Double(side)
        canvas.setDesignSpace(width: size, height: size, yUp: false)
        canvas.clear(Color(236, 236, 230))
        for index in 0..<(side * side) {
            let x = Double(index % side) * cell, y = Double(index / side) * cell
            let square = [(x, y), (x + cell, y), (x + cell, y + cell), (x, y + cell)]
            let kind = board.cells[index]
            if kind.isMud { canvas.fillPolygon(square, Color(150, 115, 80)) }
            let centre = (x + cell / 2, y + cell / 2)
            switch kind {
            case .house:
                canvas.fillPolygon(square, Color(120, 120, 130))
                canvas.fillPolygon([(x + 8, y + cell - 6), (x + 8, y + 18), (x + cell / 2, y + 6), (x + cell - 8, y + 18), (x + cell - 8, y + cell - 6)],
                                   Color(200, 90, 70))
            case .sheep:
                canvas.fillCircle(center: centre, radius: cell * 0.32, Color(250, 250, 250))
                canvas.fillCircle(center: (centre.0 + cell * 0.22, centre.1 - cell * 0.1), radius: cell * 0.12, Color(40, 40, 40))
            case .coin, .mudCoin:
                canvas.fillCircle(center: centre, radius: cell * 0.2, Color(240, 190, 40))
            case .roadblock:
                canvas.fillPolygon([(x + 5, y + cell * 0.4), (x + cell - 5, y + cell * 0.4), (x + cell - 5, y + cell * 0.6), (x + 5, y + cell * 0.6)],
                                   Color(230, 90, 30))
            case .mudGoal:
                canvas.fillPolygon([(x + 10, y + 6), (x + cell - 8, y + 14), (x + 10, y + 22)], Color(60, 200, 90))
                canvas.line(from: (x + 10, y + 6), to: (x + 10, y + cell - 6), Color(30, 30, 30), lineWidth: 2)
            case .blank, .mud:
                break
            }
        }
        for k in 0...side {
            let at = Double(k) * cell
            canvas.line(from: (at, 0), to: (at, size), Color(180, 180, 175))
            canvas.line(from: (0, at), to: (size, at), Color(180, 180, 175))
        }
        if let car {
            let x = Double(car % side) * cell, y = Double(car / side) * cell
            canvas.fillPolygon([(x + 8, y + 12), (x + cell - 8, y + 12), (x + cell - 8, y + cell - 12), (x + 8, y + cell - 12)],
                               fill: Color(40, 110, 220), outline: Color(10, 40, 110), lineWidth: 2)
        }
    }

    /// The optimal policy of the board's true reward (value iteration), as a controller.
    public func makeHeuristic() -> any Controller { DeliveryOptimalController(board: board) }
}

/// Acts optimally for a delivery board's true reward.
public final class DeliveryOptimalController: Controller {
    let policy: [Int]
    public init(board: DeliveryBoard) {
        policy = board.mdp().solve(weights: DeliveryBoard.trueWeights).policy
    }
    public func action(for observation: [Float]) -> [Float] { [Float(policy[Int(observation[0])])] }
}
