import Foundation
import GridWorlds
import SandboxCore

/// A model of how a person chooses between two segments of a tabular MDP, for a linear reward
/// r = w · φ: P(first ≻ second) = σ(z) with a logit z that depends on w. The delivery studies fit w
/// with each model and generate labels with each (Knox et al. 2022).
public protocol LinearPreferenceModel: Sendable {
    /// Short name for tables and files (`partial-return`, `regret`).
    var name: String { get }
    /// The logit of each pair under `weights`, and its gradient with respect to the weights.
    func logits(_ pairs: [TabularPair], weights: [Double]) -> [(z: Double, gradient: [Double])]
    /// The model refined around `weights` while fitting, or nil when it has nothing to refine.
    func refined(around weights: [Double]) -> (any LinearPreferenceModel)?
}

extension LinearPreferenceModel {
    public func refined(around weights: [Double]) -> (any LinearPreferenceModel)? { nil }
}

/// The Bradley–Terry loss over `pairs`: mean of softplus(z) − y·z, with its gradient in w.
public func linearPreferenceLoss(_ model: any LinearPreferenceModel, _ pairs: [TabularPair], weights: [Double]) -> (loss: Double, gradient: [Double]) {
    var loss = 0.0, gradient = [Double](repeating: 0, count: weights.count)
    for (pair, (z, dz)) in zip(pairs, model.logits(pairs, weights: weights)) {
        loss += softplus(z) - pair.firstPreferred * z
        let slope = logistic(z) - pair.firstPreferred
        for j in 0..<gradient.count { gradient[j] += slope * dz[j] }
    }
    let n = Double(max(pairs.count, 1))
    return (loss / n, gradient.map { $0 / n })
}

/// Partial return: z = Σ r(σ₁) − Σ r(σ₂) (Christiano et al. 2017).
public struct PartialReturnLinearModel: LinearPreferenceModel {
    public init() {}
    public var name: String { "partial-return" }
    public func logits(_ pairs: [TabularPair], weights: [Double]) -> [(z: Double, gradient: [Double])] {
        pairs.map { pair in
            let difference = zip(pair.first.featureSum, pair.second.featureSum).map { $0 - $1 }
            return (zip(difference, weights).reduce(0) { $0 + $1.0 * $1.1 }, difference)
        }
    }
}

/// Regret (Knox et al. 2022): z = regret(σ₂) − regret(σ₁), with regret(σ) = −Σ_t A*_w(s_t, a_t).
///
/// V*_w is made differentiable as the paper does: the values w · ψ^π(s) of a set of policies (their
/// successor features ψ^π), combined by a softmax over those values with a low temperature (0.001),
/// which approaches their maximum.
///
/// The soft maximum is only as good as the set. Optimal policies of random rewards leave V* of the
/// delivery board's true reward off by 53 on average (measured: 73 policies from 100 random rewards),
/// so while fitting, the set also grows with the optimal policy of the weights reached
/// (`refined(around:)`, every `LinearRewardLearner.Configuration.refineEvery` steps); with the true
/// reward's own policy in the set, the soft V* is exact there.
public struct RegretLinearModel: LinearPreferenceModel {
    public var name: String { "regret" }
    public let mdp: TabularMDP
    /// ψ^π(s) for each policy in the set: `successorFeatures[π][s][j]`.
    public let successorFeatures: [[[Double]]]
    public let temperature: Double
    /// The policies behind `successorFeatures`.
    public let policies: [[Int]]
    /// ψ per state, flat: `flatFeatures[s][π · d + j]`.
    private let flatFeatures: [[Double]]

    public init(mdp: TabularMDP, policies: [[Int]], temperature: Double = 0.001) {
        self.mdp = mdp
        self.policies = policies
        let psi = policies.map { mdp.successorFeatures(policy: $0) }
        successorFeatures = psi
        flatFeatures = (0..<mdp.stateCount).map { s in psi.flatMap { $0[s] } }
        self.temperature = temperature
    }

    /// The model with the optimal policy of `weights` added to its set, or nil when the set holds it.
    public func refined(around weights: [Double]) -> (any LinearPreferenceModel)? {
        let policy = mdp.solve(weights: weights).policy
        guard !policies.contains(policy) else { return nil }
        return RegretLinearModel(mdp: mdp, policies: policies + [policy], temperature: temperature)
    }

    /// The optimal policies of `count` reward functions with weights drawn uniformly from
    /// [−50, 50] (the delivery domain's scale), without repeats: the policy set of the soft V*.
    public static func policySet(for mdp: TabularMDP, count: Int = 100, seed: UInt64) -> [[Int]] {
        var generator = SeededGenerator(seed: seed)
        var seen = Set<[Int]>(), policies: [[Int]] = []
        for _ in 0..<count {
            let weights = (0..<mdp.featureCount).map { _ in generator.uniform(-50, 50) }
            let policy = mdp.solve(weights: weights).policy
            if seen.insert(policy).inserted { policies.append(policy) }
        }
        return policies
    }

    /// The soft V*_w of every state and its gradient in w:
    /// V(s) = Σ_π p_π v_π with v_π = w · ψ^π(s), p = softmax(v / T);
    /// ∇V = ψ̄ + (1/T) Σ_π p_π v_π (ψ^π − ψ̄), ψ̄ = Σ_π p_π ψ^π.
    public func softValues(weights: [Double]) -> (values: [Double], gradients: [[Double]]) {
        let d = weights.count, count = successorFeatures.count
        var values = [Double](repeating: 0, count: mdp.stateCount)
        var gradients = [[Double]](repeating: [Double](repeating: 0, count: d), count: mdp.stateCount)
        guard count > 0 else { return (values, gradients) }
        var v = [Double](repeating: 0, count: count), p = v
        var mean = [Double](repeating: 0, count: d), gradient = mean
        for s in 0..<mdp.stateCount where !mdp.isTerminal[s] {
            flatFeatures[s].withUnsafeBufferPointer { psi in
                var top = -Double.infinity
                for i in 0..<count {
                    var value = 0.0
                    for j in 0..<d { value += psi[i * d + j] * weights[j] }
                    v[i] = value
                    top = Swift.max(top, value)
                }
                var total = 0.0
                for i in 0..<count {
                    // Policies far below the best weigh nothing at this temperature; skip the exponential.
                    let x = (v[i] - top) / temperature
                    p[i] = x < -700 ? 0 : exp(x)
                    total += p[i]
                }
                var value = 0.0
                for j in 0..<d { mean[j] = 0 }
                for i in 0..<count where p[i] > 0 {
                    p[i] /= total
                    value += p[i] * v[i]
                    for j in 0..<d { mean[j] += p[i] * psi[i * d + j] }
                }
                for j in 0..<d { gradient[j] = mean[j] }
                for i in 0..<count where p[i] > 0 {
                    let scale = p[i] * v[i] / temperature
                    for j in 0..<d { gradient[j] += scale * (psi[i * d + j] - mean[j]) }
                }
                values[s] = value
                gradients[s] = gradient
            }
        }
        return (values, gradients)
    }

    public func logits(_ pairs: [TabularPair], weights: [Double]) -> [(z: Double, gradient: [Double])] {
        let (values, gradients) = softValues(weights: weights)
        let d = weights.count
        return pairs.map { pair in
            // regret(σ) = −w·Φ + Σ_s c(s) V(s); z = regret(σ₂) − regret(σ₁).
            var z = 0.0, dz = [Double](repeating: 0, count: d)
            for (segment, sign) in [(pair.second, 1.0), (pair.first, -1.0)] {
                for j in 0..<d {
                    z -= sign * weights[j] * segment.featureSum[j]
                    dz[j] -= sign * segment.featureSum[j]
                }
                for (state, c) in segment.valueCoefficients {
                    z += sign * c * values[state]
                    for j in 0..<d { dz[j] += sign * c * gradients[state][j] }
                }
            }
            return (z, dz)
        }
    }
}

func softplus(_ x: Double) -> Double { x > 30 ? x : log1p(exp(x)) }
func logistic(_ x: Double) -> Double { x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)) }
