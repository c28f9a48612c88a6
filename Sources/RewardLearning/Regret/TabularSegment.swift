import GridWorlds
import SandboxCore

/// A segment of a tabular MDP: the states visited and the actions taken, with what the preference
/// models need of it precomputed. Steps after the episode ends are absorbing: no features, no regret.
public struct TabularSegment: Sendable, Equatable {
    /// `states[t]` is the state before step t; one more entry than `actions` (the end state last).
    public var states: [Int]
    public var actions: [Int]
    /// Σ_t φ(s_t, a_t) over the steps before the episode ended (undiscounted, as partial return sums).
    public var featureSum: [Double]
    /// Steps before the episode ended (all of them when it did not).
    public var liveSteps: Int
    /// Whether the last live step entered a terminal state.
    public var ended: Bool
    /// The coefficients of V in the segment's regret Σ_t [V(s_t) − r_t − γ V(s_{t+1})]: +1 at each live
    /// state, −γ at each state a live step reaches without ending (a terminal state is worth 0).
    public let valueCoefficients: [(state: Int, coefficient: Double)]

    /// The segment of `mdp` from `start` by `actions`.
    public init(mdp: TabularMDP, start: Int, actions: [Int]) {
        var states = [start], sum = [Double](repeating: 0, count: mdp.featureCount)
        var live = 0, ended = false, s = start
        for a in actions {
            guard !ended else { states.append(s); continue }
            for j in 0..<sum.count { sum[j] += mdp.features[s][a][j] }
            live += 1
            ended = mdp.endsEpisode[s][a]
            s = mdp.next[s][a]
            states.append(s)
        }
        self.states = states
        self.actions = actions
        featureSum = sum
        liveSteps = live
        self.ended = ended
        var c: [(state: Int, coefficient: Double)] = []
        for t in 0..<live {
            c.append((states[t], 1))
            if !(ended && t == live - 1) { c.append((states[t + 1], -mdp.discount)) }
        }
        valueCoefficients = c
    }

    public static func == (a: TabularSegment, b: TabularSegment) -> Bool {
        a.states == b.states && a.actions == b.actions
    }

    /// A segment of `length` uniformly random actions from a uniform start state (Knox et al.'s
    /// segments for the delivery studies are 3 transitions long).
    public static func random(in mdp: TabularMDP, length: Int, using generator: inout SeededGenerator) -> TabularSegment {
        let start = mdp.startStates[generator.integer(0, mdp.startStates.count)]
        let actions = (0..<length).map { _ in generator.integer(0, mdp.actionCount) }
        return TabularSegment(mdp: mdp, start: start, actions: actions)
    }

    /// The segment's sum of reward under `weights` (its partial return).
    public func partialReturn(weights: [Double]) -> Double {
        zip(featureSum, weights).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// Regret = −Σ_t A*(s_t, a_t) under an exact solution of the MDP (live steps only).
    public func regret(_ solution: TabularMDP.Solution) -> Double {
        (0..<liveSteps).reduce(0) { $0 - solution.advantage(states[$1], actions[$1]) }
    }
}

/// Two segments and the probability that the first is preferred (1, 0, or 0.5 for a tie).
public struct TabularPair: Sendable, Equatable {
    public var first: TabularSegment
    public var second: TabularSegment
    public var firstPreferred: Double
    public init(first: TabularSegment, second: TabularSegment, firstPreferred: Double) {
        self.first = first
        self.second = second
        self.firstPreferred = firstPreferred
    }
}
