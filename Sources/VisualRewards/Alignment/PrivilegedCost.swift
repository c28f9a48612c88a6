import SandboxCore

/// The privileged cost a simulated person ranks rollouts by: what they care about, read from the
/// task's reward terms, where lower is better.
///
/// The cost after step t is minus the running sum of the chosen terms, c_t = −Σ_{s≤t} Σ_k term_k(s)
/// (c_0 = 0). Shaping terms that are differences of a potential (the lander's `distance`) sum to the
/// potential's change, so c_t is a state cost such as RAPL's "distance of the object to the goal";
/// the person compares rollouts by c at the last step, as the released code does
/// (preference_data_gen/generate_ranking.py ranks by `true_pref_reward_hist[-2]`), and −c_t is the
/// per-step ground truth the learned rewards are correlated with.
public struct PrivilegedCost: Codable, Sendable, Equatable, CustomStringConvertible {
    /// Reward terms whose running sum, negated, is the cost.
    public var terms: [String]

    public init(terms: [String]) { self.terms = terms }

    /// Each task's default, by task name. A new task (the tabletop tasks of issue 26) adds a line here
    /// naming the reward terms of what its person cares about.
    public static let defaults: [String: PrivilegedCost] = [
        // Distance to the pad: the shaping term −100·Δ‖position‖ sums to −100·(‖p_t‖ − ‖p_0‖).
        "LunarLanderContinuous": PrivilegedCost(terms: ["distance"]),
        // Distance to the maze's goal: `progress` is the decrease of that distance each step.
        "MazeNavigation": PrivilegedCost(terms: ["progress"]),
        // Forward progress of the walker (its `forward` shaping term).
        "BipedalWalker": PrivilegedCost(terms: ["forward"]),
        "BipedalWalkerHardcore": PrivilegedCost(terms: ["forward"]),
    ]

    /// Parses `TERM+TERM` against `spec`'s reward terms, or gives the task's default for nil: its line in
    /// `defaults`, or else all its reward terms (a person who wants the task's own return), so that any
    /// registered task (the tabletop tasks before their line is added) works by id.
    public static func resolve(_ text: String?, spec: TaskSpec) throws -> PrivilegedCost {
        guard let text else {
            let cost = defaults[spec.name] ?? PrivilegedCost(terms: spec.rewardTerms)
            try cost.validate(against: spec)
            return cost
        }
        let cost = PrivilegedCost(terms: text.split(separator: "+").map { String($0).trimmingCharacters(in: .whitespaces) })
        try cost.validate(against: spec)
        return cost
    }

    public func validate(against spec: TaskSpec) throws {
        for term in terms where !spec.rewardTerms.contains(term) {
            throw VisualRewardError.unknownTerm(task: spec.id, term: term, terms: spec.rewardTerms)
        }
        if terms.isEmpty { throw VisualRewardError.noPrivilegedCost(task: spec.id, terms: spec.rewardTerms) }
    }

    /// c_0 … c_T for an episode's term trace (T steps, the task's term order): T + 1 costs.
    public func costs(termTrace: [[Double]], spec: TaskSpec) -> [Double] {
        let indices = terms.compactMap { spec.rewardTerms.firstIndex(of: $0) }
        var costs = [0.0]
        costs.reserveCapacity(termTrace.count + 1)
        var running = 0.0
        for step in termTrace {
            for i in indices { running += step[i] }
            costs.append(-running)
        }
        return costs
    }

    public var description: String { terms.joined(separator: "+") }
}
