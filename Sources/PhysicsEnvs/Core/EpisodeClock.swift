/// The bookkeeping every task shares: whether an episode is running, its step count, and Gymnasium's
/// `TimeLimit` truncation.
struct EpisodeClock {
    let maxEpisodeSteps: Int
    private(set) var elapsedSteps = 0
    private var hasStarted = false
    private var isOver = true

    init(maxEpisodeSteps: Int) { self.maxEpisodeSteps = maxEpisodeSteps }

    mutating func start() {
        hasStarted = true
        isOver = false
        elapsedSteps = 0
    }

    /// Throws when no episode is running.
    func checkCanStep() throws(EnvironmentError) {
        guard hasStarted else { throw .stepBeforeReset }
        guard !isOver else { throw .stepAfterEpisodeEnd }
    }

    /// Counts the step, truncates at the time limit, and ends the episode when the result is final.
    mutating func count(_ result: inout StepResult) {
        elapsedSteps += 1
        if !result.isTerminated && elapsedSteps >= maxEpisodeSteps { result.isTruncated = true }
        isOver = result.isDone
    }
}
