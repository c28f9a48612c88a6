/// The longest time limit a task accepts, in steps (ten million: far beyond any task here, and small
/// enough that step counts stay exact).
public let maximumEpisodeSteps: Double = 10_000_000

/// Checks that option `name` of `task` is a switch: 0 (off) or 1 (on).
public func checkSwitch(_ value: Double, option name: String, task: String) throws(EnvironmentError) {
    guard value == 0 || value == 1 else {
        throw .invalidOption(task: task, option: name, reason: "\(value.plainText) is neither 0 (off) nor 1 (on)")
    }
}

/// Checks that option `name` of `task` lies in `range`.
public func checkRange(_ value: Double, _ range: ClosedRange<Double>, option name: String, task: String) throws(EnvironmentError) {
    guard range.contains(value) else {
        throw .invalidOption(task: task, option: name, reason: "\(value.plainText) is outside [\(range.lowerBound.plainText), \(range.upperBound.plainText)]")
    }
}

/// Fills in defaults and rejects unknown or non-finite options. Every task accepts
/// `max_episode_steps` (a positive whole number) on top of its own options.
public func resolveOptions(_ given: [String: Double], defaults: [String: Double], task: String) throws(EnvironmentError) -> [String: Double] {
    var resolved = defaults
    for (key, value) in given {
        guard defaults[key] != nil else {
            throw .unknownOption(task: task, option: key, known: Array(defaults.keys))
        }
        guard value.isFinite else {
            throw .invalidOption(task: task, option: key, reason: "\(value) is not a finite number")
        }
        resolved[key] = value
    }
    if let steps = resolved["max_episode_steps"], steps < 1 || steps > maximumEpisodeSteps || steps != steps.rounded() {
        throw .invalidOption(task: task, option: "max_episode_steps", reason: "\(steps.plainText) is not a whole number from 1 to \(Int(maximumEpisodeSteps))")
    }
    return resolved
}

/// Checks that option `name` of `task` is the index of one of `choices` (0 for the first).
public func checkChoice(_ value: Double, _ choices: [String], option name: String, task: String) throws(EnvironmentError) {
    guard value >= 0, value == value.rounded(), Int(value) < choices.count else {
        let listed = choices.enumerated().map { "\($0.element) (\($0.offset))" }.joined(separator: ", ")
        throw .invalidOption(task: task, option: name, reason: "\(value.plainText) is not one of \(listed)")
    }
}
