import Foundation
import GridWorlds
import SandboxCore

/// Fits a linear reward w to labelled pairs under a preference model: full-batch Adam from w = 0,
/// keeping the weights of the lowest loss seen (Knox et al. 2022's learner for the delivery domain).
public struct LinearRewardLearner: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Full-batch Adam steps.
        public var iterations = 1000
        public var learningRate = 0.5
        /// Steps between refinements of the model around the current weights (the regret model's
        /// policy set grows with their optimal policy); 0 never refines.
        public var refineEvery = 50
        public init() {}
    }

    public var model: any LinearPreferenceModel
    public var configuration: Configuration

    public init(model: any LinearPreferenceModel, configuration: Configuration = .init()) {
        self.model = model
        self.configuration = configuration
    }

    /// The fitted weights and their loss (under the model as refined by the end).
    public func fit(_ pairs: [TabularPair], featureCount: Int) -> (weights: [Double], loss: Double) {
        fitModel(pairs, featureCount: featureCount).result
    }

    /// The fitted weights, their loss, and the model as refined while fitting.
    public func fitModel(_ pairs: [TabularPair], featureCount: Int) -> (result: (weights: [Double], loss: Double), model: any LinearPreferenceModel) {
        var model = self.model
        var w = [Double](repeating: 0, count: featureCount)
        var m = w, v = w
        let (beta1, beta2, epsilon) = (0.9, 0.999, 1e-8)
        var best = (weights: w, loss: Double.infinity)
        for step in 1...max(configuration.iterations, 1) {
            if configuration.refineEvery > 0, step % configuration.refineEvery == 0, let refined = model.refined(around: w) {
                model = refined
                // The loss changed with the model: the best so far is judged again under it.
                best = (best.weights, linearPreferenceLoss(model, pairs, weights: best.weights).loss)
            }
            let (loss, gradient) = linearPreferenceLoss(model, pairs, weights: w)
            if loss < best.loss { best = (w, loss) }
            for j in 0..<featureCount {
                m[j] = beta1 * m[j] + (1 - beta1) * gradient[j]
                v[j] = beta2 * v[j] + (1 - beta2) * gradient[j] * gradient[j]
                let mHat = m[j] / (1 - pow(beta1, Double(step))), vHat = v[j] / (1 - pow(beta2, Double(step)))
                w[j] -= configuration.learningRate * mHat / (sqrt(vHat) + epsilon)
            }
        }
        let last = linearPreferenceLoss(model, pairs, weights: w).loss
        return (last < best.loss ? (w, last) : best, model)
    }
}

/// How good the greedy policy of a learned reward is under the true one, averaged over start states:
/// (V^π − V^rand) / (V* − V^rand); above 0.9 counts as near-optimal (Knox et al. 2022).
public struct ScaledReturn: Sendable {
    public let mdp: TabularMDP
    public let trueWeights: [Double]
    /// Mean over start states of V* and of the uniformly random policy's value.
    public let optimalMean: Double, randomMean: Double

    public init(mdp: TabularMDP, trueWeights: [Double]) {
        self.mdp = mdp
        self.trueWeights = trueWeights
        optimalMean = mdp.startMean(mdp.solve(weights: trueWeights).values)
        randomMean = mdp.startMean(mdp.uniformRandomValues(weights: trueWeights))
    }

    /// The scaled return of the greedy policy for `weights`.
    public func of(_ weights: [Double]) -> Double {
        let policy = mdp.solve(weights: weights).policy
        let mean = mdp.startMean(mdp.evaluate(policy: policy, weights: trueWeights))
        return (mean - randomMean) / (optimalMean - randomMean)
    }

    public static let nearOptimal = 0.9
}
