import Foundation
internal import CKernels

/// Adam (Kingma & Ba 2015), and AdamW (Loshchilov & Hutter 2019) when `decoupledWeightDecay` is set.
///
/// Defaults are PyTorch's: lr 1e-3, β = (0.9, 0.999), ε = 1e-8, no weight decay.
public final class Adam {
    public struct Configuration: Codable, Sendable, Equatable {
        public var learningRate: Float = 1e-3
        public var beta1: Float = 0.9
        public var beta2: Float = 0.999
        public var epsilon: Float = 1e-8
        /// L2 penalty added to the gradient (Adam) or decoupled decay of the weights (AdamW).
        public var weightDecay: Float = 0
        public var decoupledWeightDecay = false
        public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                    weightDecay: Float = 0, decoupledWeightDecay: Bool = false) {
            self.learningRate = learningRate
            self.beta1 = beta1
            self.beta2 = beta2
            self.epsilon = epsilon
            self.weightDecay = weightDecay
            self.decoupledWeightDecay = decoupledWeightDecay
        }
        /// AdamW with PyTorch's default decay of 0.01.
        public static func adamW(learningRate: Float = 1e-3, weightDecay: Float = 0.01) -> Configuration {
            Configuration(learningRate: learningRate, weightDecay: weightDecay, decoupledWeightDecay: true)
        }
    }

    public var configuration: Configuration
    /// The learning rate used by the next step (a schedule may change it).
    public var learningRate: Float
    public let parameters: [Tensor]
    public private(set) var stepCount = 0
    private var firstMoments: [[Float]]
    private var secondMoments: [[Float]]

    public init(parameters: [Tensor], configuration: Configuration = Configuration()) {
        precondition(parameters.allSatisfy(\.requiresGrad), "Adam needs parameters that require gradients")
        self.parameters = parameters
        self.configuration = configuration
        learningRate = configuration.learningRate
        firstMoments = parameters.map { [Float](repeating: 0, count: $0.count) }
        secondMoments = firstMoments
    }

    /// Clears every parameter's gradient.
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }

    /// One update from the current gradients; parameters without a gradient are left alone.
    public func step() {
        stepCount += 1
        let c = configuration
        let correction1 = 1 - Foundation.pow(c.beta1, Float(stepCount))
        let correction2 = 1 - Foundation.pow(c.beta2, Float(stepCount))
        let stepSize = learningRate / correction1
        let lr = learningRate
        for (index, parameter) in parameters.enumerated() {
            guard let grad = parameter.grad else { continue }
            firstMoments[index].withUnsafeMutableBufferPointer { m in
                secondMoments[index].withUnsafeMutableBufferPointer { v in
                    grad.withUnsafeBufferPointer { g in
                        parameter.updateData { w in
                            ckernels_adam(w.baseAddress!, g.baseAddress!, m.baseAddress!, v.baseAddress!, Int64(w.count),
                                          c.beta1, c.beta2, stepSize, correction2, c.epsilon, lr, c.weightDecay,
                                          c.decoupledWeightDecay ? 1 : 0)
                        }
                    }
                }
            }
        }
    }

    /// Moments and step count, for checkpoints (names follow `parameters`' order).
    public var state: [String: Tensor] {
        var result: [String: Tensor] = ["step": Tensor(Float(stepCount))]
        for (i, p) in parameters.enumerated() {
            result["m.\(i)"] = Tensor(shape: p.shape, data: firstMoments[i])
            result["v.\(i)"] = Tensor(shape: p.shape, data: secondMoments[i])
        }
        return result
    }

    /// Restores moments and step count saved by `state`.
    public func load(state: [String: Tensor]) throws {
        guard let step = state["step"] else { throw CheckpointError.missingTensor("step") }
        for (i, p) in parameters.enumerated() {
            guard let m = state["m.\(i)"], let v = state["v.\(i)"] else { throw CheckpointError.missingTensor("m.\(i) or v.\(i)") }
            guard m.shape == p.shape, v.shape == p.shape else {
                throw CheckpointError.shapeMismatch(name: "m.\(i)", expected: p.shape, found: m.shape)
            }
            firstMoments[i] = m.data
            secondMoments[i] = v.data
        }
        stepCount = Int(step.item)
    }
}

/// Scales all gradients so that their global L2 norm is at most `maxNorm`; returns the norm before
/// clipping (PyTorch's `clip_grad_norm_`).
@discardableResult
public func clipGradientNorm(_ parameters: [Tensor], maxNorm: Float) -> Float {
    var total: Double = 0
    for p in parameters {
        guard let g = p.grad else { continue }
        for v in g { total += Double(v) * Double(v) }
    }
    let norm = Float(total.squareRoot())
    let scale = maxNorm / (norm + 1e-6)
    if scale < 1 {
        for p in parameters where p.grad != nil {
            p.withGradient { g in for i in 0..<g.count { g[i] *= scale } }
        }
    }
    return norm
}

/// Learning rate as a function of progress through training.
public enum LearningRateSchedule: Codable, Sendable, Equatable {
    case constant
    /// Linear decay from the base rate to `finalFraction` of it (SB3's linear schedule decays to 0).
    case linear(finalFraction: Float)
    /// Cosine decay to `finalFraction` of the base rate.
    case cosine(finalFraction: Float)
    /// Linear warm-up over `warmupFraction` of training, then cosine decay to 0.
    case warmupCosine(warmupFraction: Float)

    /// The rate at `progress` ∈ [0, 1] (0 at the start of training).
    public func rate(base: Float, progress: Double) -> Float {
        let p = Float(Swift.min(Swift.max(progress, 0), 1))
        switch self {
        case .constant:
            return base
        case .linear(let final):
            return base * (1 - p + p * final)
        case .cosine(let final):
            return base * (final + (1 - final) * 0.5 * (1 + Foundation.cos(.pi * p)))
        case .warmupCosine(let warmup):
            if p < warmup { return base * p / Swift.max(warmup, 1e-8) }
            let q = (p - warmup) / Swift.max(1 - warmup, 1e-8)
            return base * 0.5 * (1 + Foundation.cos(.pi * q))
        }
    }
}
