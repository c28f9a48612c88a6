/// Longest time limit a task accepts (`max_episode_steps`): a billion steps, beyond any run's budget,
/// and small enough that every task can count steps in an `Int`.
public let maximumEpisodeSteps: Double = 1_000_000_000

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
        throw .invalidOption(task: task, option: "max_episode_steps", reason: "\(steps) is not a whole number from 1 to \(Int(maximumEpisodeSteps))")
    }
    return resolved
}
