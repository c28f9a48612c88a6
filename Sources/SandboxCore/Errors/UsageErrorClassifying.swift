/// An error that says whether it means the caller asked for something wrong — a bad option value, an
/// out-of-range setting, an unknown name — rather than that something failed on the way (a file that
/// cannot be read, a damaged checkpoint). The command-line tool exits with status 2 for the first kind
/// and 1 for the second, the same rule for every command.
public protocol UsageErrorClassifying: Error {
    /// True when the fix is to call differently (status 2).
    var isUsageError: Bool { get }
}

extension EnvironmentError: UsageErrorClassifying {
    public var isUsageError: Bool {
        switch self {
        case .unknownTask, .unknownVersion, .unknownOption, .invalidOption: return true
        case .wrongActionLength, .nonFiniteAction, .invalidChoice, .stepBeforeReset, .stepAfterEpisodeEnd, .duplicateTask: return false
        }
    }
}

extension RenderSizeError: UsageErrorClassifying {
    public var isUsageError: Bool { true }
}
