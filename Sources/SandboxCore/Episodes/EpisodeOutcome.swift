/// How an episode ended: still running, ended inside the task for a task-specific reason ("landed",
/// "crashed", "fell", "reached the goal"), or cut by the time limit.
///
/// It is not stored in episode records: replaying a record recomputes it (`Rollout.replay`,
/// `Rollout.segment`), so records written before it existed show it too.
public enum EpisodeOutcome: Sendable, Equatable, CustomStringConvertible {
    /// The episode goes on (or was stopped early by the caller, not by the task or its time limit).
    case running
    /// The task ended the episode; `reason` is the task's word for it (`Environment.terminationReason`).
    case terminated(reason: String)
    /// Gymnasium's truncation: the time limit (`TaskSpec.maxEpisodeSteps`) was reached.
    case truncated

    /// Whether the episode is over.
    public var hasEnded: Bool { self != .running }

    /// "landed", "time limit", or "running".
    public var description: String {
        switch self {
        case .running: return "running"
        case .terminated(let reason): return reason
        case .truncated: return "time limit"
        }
    }

    /// The outcome of a step's result in `environment`, asked right after that step.
    public init(_ result: StepResult, in environment: any Environment) {
        if result.isTerminated {
            self = .terminated(reason: environment.terminationReason)
        } else if result.isTruncated {
            self = .truncated
        } else {
            self = .running
        }
    }
}
