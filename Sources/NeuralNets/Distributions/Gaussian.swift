import Foundation

private let logSqrtTwoPi = Float(0.5 * Foundation.log(2 * Double.pi))

/// A diagonal Gaussian over the last dimension: mean [N, D] and log standard deviation [N, D] or [D]
/// (PPO's state-independent log-std).
public struct DiagonalGaussian {
    public let mean: Tensor
    public let logStd: Tensor

    public init(mean: Tensor, logStd: Tensor) {
        precondition(ShapeMath.broadcast(mean.shape, logStd.shape) == mean.shape, "logStd \(logStd.shape) must broadcast to mean \(mean.shape)")
        self.mean = mean
        self.logStd = logStd
    }

    /// A sample outside the graph.
    public func sample<G: RandomNumberGenerator>(using generator: inout G) -> Tensor {
        rsample(using: &generator).detached()
    }

    /// A reparameterised sample μ + σ·ε, through which gradients flow to μ and log σ.
    public func rsample<G: RandomNumberGenerator>(using generator: inout G) -> Tensor {
        mean + logStd.exp() * Tensor.randn(mean.shape, using: &generator)
    }

    /// log p(x), summed over the last dimension: shape [N] (or [] for a 1-D mean).
    public func logProbability(_ x: Tensor) -> Tensor {
        let z = (x - mean) / logStd.exp()
        let perDimension = z.square() * -0.5 - logStd - logSqrtTwoPi
        return perDimension.sum(axis: -1)
    }

    /// Entropy, summed over the last dimension: Σ (log σ + ½ log 2πe).
    public func entropy() -> Tensor {
        let perDimension = logStd + (0.5 + logSqrtTwoPi)
        let full = logStd.shape == mean.shape ? perDimension : perDimension + Tensor.zeros(mean.shape)
        return full.sum(axis: -1)
    }
}

/// A Gaussian squashed by tanh, for bounded actions (SAC, Haarnoja et al. 2018): a = tanh(u),
/// u ~ N(μ, σ²), with the change-of-variables correction log p(a) = log p(u) − Σ log(1 − tanh²u).
public struct TanhGaussian {
    public let base: DiagonalGaussian

    public init(mean: Tensor, logStd: Tensor) { base = DiagonalGaussian(mean: mean, logStd: logStd) }

    /// A reparameterised action and its log-probability, both differentiable.
    public func rsampleWithLogProbability<G: RandomNumberGenerator>(using generator: inout G) -> (action: Tensor, logProbability: Tensor) {
        let u = base.rsample(using: &generator)
        return (u.tanh(), logProbability(preTanh: u))
    }

    public func rsample<G: RandomNumberGenerator>(using generator: inout G) -> Tensor { base.rsample(using: &generator).tanh() }

    public func sample<G: RandomNumberGenerator>(using generator: inout G) -> Tensor { rsample(using: &generator).detached() }

    /// The deterministic action tanh(μ), for evaluation.
    public var mode: Tensor { base.mean.tanh() }

    /// log p(a) for a = tanh(u), from u. Uses log(1 − tanh²u) = 2·(log 2 − u − softplus(−2u)), which is
    /// exact and stable (no ε needed).
    public func logProbability(preTanh u: Tensor) -> Tensor {
        let logDetJacobian = ((Float(Foundation.log(2.0)) - u - (u * -2).softplus()) * 2).sum(axis: -1)
        return base.logProbability(u) - logDetJacobian
    }

    /// log p(a) for actions in (−1, 1), through u = atanh(a) (clipped away from ±1).
    public func logProbability(action a: Tensor) -> Tensor {
        let clipped = a.clamp(min: -0.999999, max: 0.999999)
        let u = ((1 + clipped) / (1 - clipped)).log() * 0.5
        return logProbability(preTanh: u)
    }

    /// A one-sample Monte Carlo estimate of the entropy, −log p(a) (there is no closed form).
    public func entropyEstimate<G: RandomNumberGenerator>(using generator: inout G) -> Tensor {
        -rsampleWithLogProbability(using: &generator).logProbability
    }
}
