/// What a task is: its id and version, spaces, reward terms and time limit.
public struct TaskSpec: Sendable, Codable, Equatable {
    /// Name without version, e.g. `LunarLanderContinuous`.
    public let name: String
    /// The sandbox's version of the task; records from another version are refused on replay.
    public let version: Int
    /// Observations: a box (state vectors, pixels) or, for tabular tasks, a choice of state.
    public let observationSpace: Space
    /// Actions: a box (continuous control) or a choice (discrete actions).
    public let actionSpace: Space
    /// Names of the reward terms, in the order of `StepResult.terms`. Their sum is the reward.
    public let rewardTerms: [String]
    /// Steps after which an episode is truncated (Gymnasium's `max_episode_steps`).
    public let maxEpisodeSteps: Int
    /// Simulation steps per second of simulated time; clips play at this rate.
    public let framesPerSecond: Int
    /// Default render size for people, in pixels (width, height).
    public let renderWidth: Int
    public let renderHeight: Int
    /// Options this task accepts with their default values (see `TaskOptions`).
    public let defaultOptions: [String: Double]
    /// One-line summary.
    public let summary: String
    /// Options that choose among named values (`--option variant=layout`): each name's index is the
    /// option's number. Nil when the task has none.
    public let optionChoices: [String: [String]]?

    /// `Name-vN`.
    public var id: String { "\(name)-v\(version)" }

    public init(name: String, version: Int, observationSpace: Space, actionSpace: Space, rewardTerms: [String],
                maxEpisodeSteps: Int, framesPerSecond: Int, renderWidth: Int, renderHeight: Int,
                defaultOptions: [String: Double], summary: String, optionChoices: [String: [String]]? = nil) {
        self.name = name
        self.version = version
        self.observationSpace = observationSpace
        self.actionSpace = actionSpace
        self.rewardTerms = rewardTerms
        self.maxEpisodeSteps = maxEpisodeSteps
        self.framesPerSecond = framesPerSecond
        self.renderWidth = renderWidth
        self.renderHeight = renderHeight
        self.defaultOptions = defaultOptions
        self.summary = summary
        self.optionChoices = optionChoices
    }

    /// The name of a choice option's value (`variant` 1 → "layout"), or nil for other options.
    public func choiceName(option: String, value: Double) -> String? {
        guard let names = optionChoices?[option], value >= 0, value == value.rounded(), Int(value) < names.count else { return nil }
        return names[Int(value)]
    }
}

/// The result of one `step`.
public struct StepResult: Sendable {
    public var observation: [Float]
    /// The reward: the sum of `terms`.
    public var reward: Double
    /// Named reward terms, aligned with `TaskSpec.rewardTerms`.
    public var terms: [Double]
    /// The episode ended inside the task (crash, landing, fall, lap finished).
    public var isTerminated: Bool
    /// The episode was cut by the time limit.
    public var isTruncated: Bool
    /// Task-specific diagnostics (e.g. `lap_finished`, `tiles_visited`).
    public var info: [String: Double]

    public var isDone: Bool { isTerminated || isTruncated }

    public init(observation: [Float], reward: Double, terms: [Double], isTerminated: Bool, isTruncated: Bool, info: [String: Double]) {
        self.observation = observation
        self.reward = reward
        self.terms = terms
        self.isTerminated = isTerminated
        self.isTruncated = isTruncated
        self.info = info
    }
}

/// Errors a task raises for bad input; each message names the problem and the fix.
public enum EnvironmentError: Error, CustomStringConvertible, Equatable {
    case wrongActionLength(expected: Int, got: Int)
    case nonFiniteAction(index: Int, value: Float)
    case invalidChoice(value: Float, choices: Int, start: Int)
    case stepBeforeReset
    case stepAfterEpisodeEnd
    case unknownTask(String, known: [String])
    case unknownVersion(task: String, requested: Int, available: Int)
    case unknownOption(task: String, option: String, known: [String])
    case invalidOption(task: String, option: String, reason: String)
    case duplicateTask(String)

    public var description: String {
        switch self {
        case let .wrongActionLength(expected, got):
            return "action has \(got) entries but the action space has \(expected); pass an array of \(expected) numbers"
        case let .nonFiniteAction(index, value):
            return "action entry \(index) is \(value); actions must be finite numbers"
        case let .invalidChoice(value, choices, start):
            let shown = value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(value)
            return "action \(shown) is not one of the \(choices) choices \(start)…\(start + choices - 1); a discrete action is one whole number in that range"
        case .stepBeforeReset:
            return "step called before reset; call reset(seed:) first"
        case .stepAfterEpisodeEnd:
            return "step called after the episode ended; call reset(seed:) to start a new one"
        case let .unknownTask(name, known):
            return "unknown task '\(name)'; known tasks: \(known.joined(separator: ", ")) (see `sandbox tasks`)"
        case let .unknownVersion(task, requested, available):
            return "task \(task) has no version v\(requested); this build has \(task)-v\(available)"
        case let .unknownOption(task, option, known):
            return "task \(task) has no option '\(option)'; its options are \(known.sorted().joined(separator: ", "))"
        case let .invalidOption(task, option, reason):
            return "option \(option) of \(task) is invalid: \(reason)"
        case let .duplicateTask(name):
            return "two tasks are registered as \(name); give the new task another name, or a new version of the old one"
        }
    }
}

/// A control task with Gymnasium's semantics.
///
/// `reset(seed:)` starts an episode; `step(_:)` advances it by one control step and reports the
/// observation, the reward with its named terms, termination and truncation. `render(width:height:)`
/// draws the current state offscreen at any size.
public protocol Environment: AnyObject {
    var spec: TaskSpec { get }
    /// The options this instance was made with (defaults filled in).
    var options: [String: Double] { get }
    /// Steps taken in the current episode.
    var elapsedSteps: Int { get }

    /// Starts a new episode. The same seed gives the same episode.
    @discardableResult
    func reset(seed: UInt64) -> [Float]

    /// Advances one step. Actions outside the space are clipped; a non-finite action or one of the
    /// wrong length is an error.
    func step(_ action: [Float]) throws(EnvironmentError) -> StepResult

    /// Draws the current state into `frame` at the frame's size, reusing its storage: the allocation-free
    /// way to render every step.
    func render(into frame: inout Frame)

    /// A controller that acts sensibly in this task (Gymnasium's heuristics for the lander and the walker).
    func makeHeuristic() -> any Controller

    /// Why the last step terminated the episode, in a few words for people ("landed", "crashed",
    /// "fell", "reached the goal"). Asked only right after a step with `isTerminated`; a task that does
    /// not say gets "ended".
    var terminationReason: String { get }
}

extension Environment {
    /// Draws the current state into a new RGB frame of the given size.
    public func render(width: Int, height: Int) -> Frame {
        var frame = Frame(uninitializedWidth: width, height: height)
        render(into: &frame)
        return frame
    }

    public var terminationReason: String { "ended" }

    /// Draws the current state at the task's size for people (600×400).
    public func render() -> Frame { render(width: spec.renderWidth, height: spec.renderHeight) }
}

/// Anything that maps observations to actions.
public protocol Controller: AnyObject {
    func action(for observation: [Float]) -> [Float]
}

/// Uniform random actions from the action space, seeded.
public final class RandomController: Controller {
    private var generator: SeededGenerator
    private let space: Space
    public init(space: Space, seed: UInt64) {
        self.space = space
        self.generator = SeededGenerator(seed: seed)
    }
    public func action(for observation: [Float]) -> [Float] { space.sample(using: &generator) }
}
