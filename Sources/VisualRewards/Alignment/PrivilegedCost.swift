import SandboxCore

/// The privileged cost a simulated person ranks rollouts by: what they care about, read from the
/// task's reward terms, where lower is better.
///
/// The cost after step t is minus the running sum of the chosen terms, c_t = −Σ_{s≤t} Σ_k term_k(s)
/// (c_0 = 0). Shaping terms that are differences of a potential (the lander's `distance`) sum to the
/// potential's change, so c_t is a state cost such as RAPL's "distance of the object to the goal".
/// Terms that already are a state's level rather than a change (the tabletop tasks' `distance`, −mean
/// distance of the debris to the top, paid at every step) are marked `TERM:state` and count with
/// their value at step t instead of their sum: c_t = −Σ_k term_k(t) − Σ_{s≤t} Σ_j term_j(s), and c_0 is
/// the first step's state terms.
/// the person compares rollouts by c at the last step, as the released code does
/// (preference_data_gen/generate_ranking.py ranks by `true_pref_reward_hist[-2]`), and −c_t is the
/// per-step ground truth the learned rewards are correlated with.
public struct PrivilegedCost: Codable, Sendable, Equatable, CustomStringConvertible {
    /// Reward terms whose running sum, negated, is the cost.
    public var terms: [String]
    /// Those of `terms` that count with their current value, not their running sum.
    public var stateTerms: [String]

    public init(terms: [String], stateTerms: [String] = []) {
        self.terms = terms
        self.stateTerms = stateTerms
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        terms = try c.decode([String].self, forKey: .terms)
        stateTerms = try c.decodeIfPresent([String].self, forKey: .stateTerms) ?? []
    }

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

    /// The tabletop tasks' defaults, by objective (every body alike): RAPL's person cares about how far
    /// the debris is from the goal now; on Avoiding also about every step a body spent in the zone
    /// (summed: time inside); on Grouping about how spread the pieces are and how far from the spot.
    static let tabletopDefaults: [String: PrivilegedCost] = [
        "SweepToTop": PrivilegedCost(terms: ["distance"], stateTerms: ["distance"]),
        "Avoiding": PrivilegedCost(terms: ["distance", "zone"], stateTerms: ["distance"]),
        "Grouping": PrivilegedCost(terms: ["spread", "spot"], stateTerms: ["spread", "spot"]),
    ]

    /// The default for a task name: its line in `defaults`, a tabletop objective's, or nil.
    static func defaultCost(forTaskNamed name: String) -> PrivilegedCost? {
        if let cost = defaults[name] { return cost }
        let objective = name.split(separator: "-").first.map(String.init) ?? name
        return tabletopDefaults[objective]
    }

    /// Parses `TERM+TERM` against `spec`'s reward terms, or gives the task's default for nil: its line in
    /// `defaults`, or else all its reward terms (a person who wants the task's own return), so that any
    /// registered task (the tabletop tasks before their line is added) works by id.
    public static func resolve(_ text: String?, spec: TaskSpec) throws -> PrivilegedCost {
        guard let text else {
            let cost = defaultCost(forTaskNamed: spec.name) ?? PrivilegedCost(terms: spec.rewardTerms)
            try cost.validate(against: spec)
            return cost
        }
        var cost = PrivilegedCost(terms: [])
        for item in text.split(separator: "+").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if item.hasSuffix(":state") {
                let term = String(item.dropLast(":state".count))
                cost.terms.append(term)
                cost.stateTerms.append(term)
            } else {
                cost.terms.append(item)
            }
        }
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
        let summed = terms.filter { !stateTerms.contains($0) }.compactMap { spec.rewardTerms.firstIndex(of: $0) }
        let levels = stateTerms.compactMap { spec.rewardTerms.firstIndex(of: $0) }
        func level(_ step: [Double]) -> Double { levels.reduce(0) { $0 + step[$1] } }
        var costs = [-(termTrace.first.map(level) ?? 0)]
        costs.reserveCapacity(termTrace.count + 1)
        var running = 0.0
        for step in termTrace {
            for i in summed { running += step[i] }
            costs.append(-running - level(step))
        }
        return costs
    }

    public var description: String {
        terms.map { stateTerms.contains($0) ? "\($0):state" : $0 }.joined(separator: "+")
    }
}
