/// A finite MDP with deterministic transitions and linear rewards r(s, a) = w · φ(s, a): what the
/// delivery domain's studies need to compute values exactly.
///
/// Terminal states are never acted in; their value is 0. A transition that `endsEpisode` contributes
/// its reward and nothing after it.
public struct TabularMDP: Sendable {
    /// `next[s][a]`: the state after action `a` in state `s`.
    public let next: [[Int]]
    /// `features[s][a]`: φ(s, a), one entry per reward feature.
    public let features: [[[Double]]]
    /// `endsEpisode[s][a]`: whether the transition enters a terminal state.
    public let endsEpisode: [[Bool]]
    public let isTerminal: [Bool]
    /// States where episodes start (the averages of the studies run over them).
    public let startStates: [Int]
    public let discount: Double

    public init(next: [[Int]], features: [[[Double]]], endsEpisode: [[Bool]], isTerminal: [Bool], startStates: [Int], discount: Double) {
        self.next = next
        self.features = features
        self.endsEpisode = endsEpisode
        self.isTerminal = isTerminal
        self.startStates = startStates
        self.discount = discount
    }

    public var stateCount: Int { next.count }
    public var actionCount: Int { next.first?.count ?? 0 }
    public var featureCount: Int { features.first?.first?.count ?? 0 }

    /// r(s, a) = w · φ(s, a).
    public func reward(_ state: Int, _ action: Int, weights: [Double]) -> Double {
        dot(features[state][action], weights)
    }

    /// The optimal values, action values and a greedy optimal policy for `weights`, by policy
    /// iteration with exact evaluation (ties go to the lowest action).
    public func solve(weights: [Double]) -> Solution {
        var policy = [Int](repeating: 0, count: stateCount)
        var values = evaluate(policy: policy, weights: weights)
        for _ in 0..<10_000 {
            var changed = false
            for s in 0..<stateCount where !isTerminal[s] {
                let q = (0..<actionCount).map { actionValue(s, $0, values: values, weights: weights) }
                let best = q.max()!
                // Keep the current action unless another is strictly better, so that iteration ends.
                if q[policy[s]] < best - 1e-9 * max(1, abs(best)) {
                    policy[s] = q.firstIndex(of: best)!
                    changed = true
                }
            }
            if !changed { break }
            values = evaluate(policy: policy, weights: weights)
        }
        let q = (0..<stateCount).map { s in (0..<actionCount).map { isTerminal[s] ? 0 : actionValue(s, $0, values: values, weights: weights) } }
        return Solution(values: values, actionValues: q, policy: policy)
    }

    /// Values and action values under one reward, with the greedy policy.
    public struct Solution: Sendable {
        public var values: [Double]
        public var actionValues: [[Double]]
        public var policy: [Int]
        /// A*(s, a) = Q*(s, a) − V*(s).
        public func advantage(_ state: Int, _ action: Int) -> Double { actionValues[state][action] - values[state] }
    }

    /// Q(s, a) = r(s, a) + γ V(s') (without V(s') when the move ends the episode).
    public func actionValue(_ state: Int, _ action: Int, values: [Double], weights: [Double]) -> Double {
        reward(state, action, weights: weights) + (endsEpisode[state][action] ? 0 : discount * values[next[state][action]])
    }

    /// The values of a deterministic policy under `weights`: w · ψ^π(s).
    public func evaluate(policy: [Int], weights: [Double]) -> [Double] {
        successorFeatures(policy: policy).map { dot($0, weights) }
    }

    /// The successor features ψ^π(s) = Σ_t γ^t φ(s_t, π(s_t)) of a deterministic policy, exactly: each
    /// state's path either ends in a terminal state or closes a cycle, whose sum is a geometric series.
    public func successorFeatures(policy: [Int]) -> [[Double]] {
        let d = featureCount
        var psi = [[Double]](repeating: [Double](repeating: 0, count: d), count: stateCount)
        var done = isTerminal
        var position = [Int](repeating: -1, count: stateCount)
        for origin in 0..<stateCount where !done[origin] {
            var path: [Int] = []
            var s = origin
            var tail = [Double](repeating: 0, count: d)  // ψ after the path's last state
            while true {
                if done[s] { tail = psi[s]; break }
                if position[s] >= 0 {
                    // A cycle path[k...] back to s: ψ(c0) = Σ γ^i φ_i / (1 − γ^L).
                    let k = position[s], cycle = Array(path[k...])
                    var sum = [Double](repeating: 0, count: d), factor = 1.0
                    for c in cycle {
                        for j in 0..<d { sum[j] += factor * features[c][policy[c]][j] }
                        factor *= discount
                    }
                    psi[cycle[0]] = sum.map { $0 / (1 - factor) }
                    done[cycle[0]] = true
                    for c in cycle.dropFirst().reversed() {
                        let n = next[c][policy[c]]
                        psi[c] = (0..<d).map { features[c][policy[c]][$0] + discount * psi[n][$0] }
                        done[c] = true
                    }
                    path.removeSubrange(k...)
                    tail = psi[s]
                    break
                }
                position[s] = path.count
                path.append(s)
                if endsEpisode[s][policy[s]] { break }
                s = next[s][policy[s]]
            }
            // Back along the path: ψ(s) = φ(s, π(s)) + γ ψ(next), or φ alone where the move ends.
            var after = tail
            for (index, p) in path.enumerated().reversed() {
                let a = policy[p]
                let ends = endsEpisode[p][a] && index == path.count - 1
                psi[p] = (0..<d).map { features[p][a][$0] + (ends ? 0 : discount * after[$0]) }
                done[p] = true
                after = psi[p]
            }
            for p in path { position[p] = -1 }
        }
        return psi
    }

    /// The values of the uniformly random policy, solving (I − γP) v = r̄ exactly.
    public func uniformRandomValues(weights: [Double]) -> [Double] {
        let n = stateCount
        var a = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        var b = [Double](repeating: 0, count: n)
        let share = 1 / Double(actionCount)
        for s in 0..<n {
            a[s][s] = 1
            guard !isTerminal[s] else { continue }
            for action in 0..<actionCount {
                b[s] += share * reward(s, action, weights: weights)
                if !endsEpisode[s][action] { a[s][next[s][action]] -= share * discount }
            }
        }
        return solveLinear(a, b)
    }

    /// The mean over start states of `values`.
    public func startMean(_ values: [Double]) -> Double {
        startStates.reduce(0) { $0 + values[$1] } / Double(max(startStates.count, 1))
    }
}

func dot(_ a: [Double], _ b: [Double]) -> Double {
    var sum = 0.0
    for i in 0..<min(a.count, b.count) { sum += a[i] * b[i] }
    return sum
}

/// Gaussian elimination with partial pivoting (the systems here have 100 unknowns).
func solveLinear(_ matrix: [[Double]], _ rhs: [Double]) -> [Double] {
    var a = matrix, b = rhs
    let n = b.count
    for column in 0..<n {
        let pivot = (column..<n).max { abs(a[$0][column]) < abs(a[$1][column]) }!
        a.swapAt(column, pivot)
        b.swapAt(column, pivot)
        let p = a[column][column]
        guard abs(p) > 1e-300 else { continue }
        for row in (column + 1)..<n where a[row][column] != 0 {
            let f = a[row][column] / p
            for k in column..<n { a[row][k] -= f * a[column][k] }
            b[row] -= f * b[column]
        }
    }
    var x = [Double](repeating: 0, count: n)
    for row in stride(from: n - 1, through: 0, by: -1) {
        var sum = b[row]
        for k in (row + 1)..<n { sum -= a[row][k] * x[k] }
        x[row] = abs(a[row][row]) > 1e-300 ? sum / a[row][row] : 0
    }
    return x
}
