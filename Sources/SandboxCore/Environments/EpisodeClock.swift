/// The bookkeeping every task shares: whether an episode is running, its step count, and Gymnasium's
/// `TimeLimit` truncation.
public struct EpisodeClock: Sendable {
    public let maxEpisodeSteps: Int
    public private(set) var elapsedSteps = 0
    private var hasStarted = false
    private var isOver = true

    public init(maxEpisodeSteps: Int) { self.maxEpisodeSteps = maxEpisodeSteps }

    public mutating func start() {
        hasStarted = true
        isOver = false
        elapsedSteps = 0
    }

    /// Throws when no episode is running.
    public func checkCanStep() throws(EnvironmentError) {
        guard hasStarted else { throw .stepBeforeReset }
        guard !isOver else { throw .stepAfterEpisodeEnd }
    }

    /// Counts the step, truncates at the time limit, and ends the episode when the result is final.
    public mutating func count(_ result: inout StepResult) {
        elapsedSteps += 1
        if !result.isTerminated && elapsedSteps >= maxEpisodeSteps { result.isTruncated = true }
        isOver = result.isDone
    }
}

/// A task written as its dynamics alone. The time limit, the checks on `reset`/`step` order and the
/// validation of actions (Gymnasium's `TimeLimit` and `PassiveEnvChecker` wrappers) come from this
/// protocol's `reset(seed:)` and `step(_:)`, the same for every task.
///
/// A conforming task keeps an `EpisodeClock` and implements:
/// - `startEpisode(seed:)`: set up the start state and return the first observation;
/// - `advance(_:)`: one step with an action already checked against the action space (clipped into a
///   box, a whole number for a choice); the clock adds truncation afterwards.
public protocol EpisodicTask: Environment {
    var clock: EpisodeClock { get set }
    func startEpisode(seed: UInt64) -> [Float]
    func advance(_ action: [Float]) -> StepResult
}

extension EpisodicTask {
    public var elapsedSteps: Int { clock.elapsedSteps }

    @discardableResult
    public func reset(seed: UInt64) -> [Float] {
        clock.start()
        return startEpisode(seed: seed)
    }

    public func step(_ action: [Float]) throws(EnvironmentError) -> StepResult {
        try clock.checkCanStep()
        var result = advance(try spec.actionSpace.validated(action))
        clock.count(&result)
        return result
    }
}
