internal import CKernels

/// Something with trainable parameters, listed in a fixed order with names.
///
/// Names are dotted paths (`layers.0.weight`), the same names checkpoints use.
public protocol ParameterContainer: AnyObject {
    /// Parameters in a fixed order, with their names.
    var namedParameters: [(name: String, tensor: Tensor)] { get }
}

extension ParameterContainer {
    public var parameters: [Tensor] { namedParameters.map(\.tensor) }

    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    public func zeroGradients() { for p in parameters { p.zeroGrad() } }

    /// Copies every parameter value from `other`, which must have the same names and shapes.
    public func copyParameters(from other: some ParameterContainer) {
        let source = Dictionary(uniqueKeysWithValues: other.namedParameters.map { ($0.name, $0.tensor) })
        for (name, tensor) in namedParameters {
            guard let s = source[name], s.shape == tensor.shape else { preconditionFailure("no parameter \(name) of shape \(tensor.shape) to copy") }
            tensor.assign(s.data)
        }
    }

    /// Polyak averaging towards `other`: θ ← (1 − τ)·θ + τ·θ_other (SAC's target networks).
    public func softUpdate(towards other: some ParameterContainer, rate tau: Float) {
        for ((_, mine), (_, theirs)) in zip(namedParameters, other.namedParameters) {
            mine.updateData { m in
                theirs.data.withUnsafeBufferPointer { t in
                    for i in 0..<m.count { m[i] = (1 - tau) * m[i] + tau * t[i] }
                }
            }
        }
    }
}

/// Prefixes each name with `prefix.`.
func prefixed(_ prefix: String, _ parameters: [(name: String, tensor: Tensor)]) -> [(name: String, tensor: Tensor)] {
    parameters.map { ("\(prefix).\($0.name)", $0.tensor) }
}

/// Element-wise activations, by name (as configurations store them).
public enum Activation: String, Codable, Sendable, CaseIterable {
    case relu, leakyRelu = "leaky_relu", tanh, sigmoid, elu, identity

    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .relu: return x.relu()
        case .leakyRelu: return x.leakyRelu()
        case .tanh: return x.tanh()
        case .sigmoid: return x.sigmoid()
        case .elu: return x.elu()
        case .identity: return x
        }
    }

    /// Adds `bias` to each row of a rows × columns matrix and applies the activation, in place, in one
    /// pass (ELU is not fused: callers apply it separately).
    func applyInPlace(_ values: UnsafeMutableBufferPointer<Float>, bias: Tensor?, columns: Int) {
        let rows = Int64(values.count / Swift.max(columns, 1))
        let (kind, slope): (Int32, Float)
        switch self {
        case .identity, .elu: (kind, slope) = (0, 0)
        case .relu: (kind, slope) = (1, 0)
        case .leakyRelu: (kind, slope) = (1, 0.01)
        case .tanh: (kind, slope) = (2, 0)
        case .sigmoid: (kind, slope) = (3, 0)
        }
        if bias == nil && kind == 0 { return }
        if let bias {
            bias.data.withUnsafeBufferPointer { b in
                ckernels_bias_activation(values.baseAddress!, b.baseAddress!, rows, Int64(columns), kind, slope)
            }
        } else {
            ckernels_bias_activation(values.baseAddress!, nil, rows, Int64(columns), kind, slope)
        }
    }

    /// Turns an upstream gradient `g` into the gradient before the activation, from the output y
    /// (every activation here has a derivative that is a function of its output).
    func backwardFromOutput(_ g: UnsafePointer<Float>, output y: UnsafePointer<Float>, into gz: UnsafeMutablePointer<Float>, count n: Int) {
        switch self {
        case .identity, .elu: gz.update(from: g, count: n)
        case .relu:
            gz.update(repeating: 0, count: n)
            ckernels_leaky_relu_backward(g, y, gz, 0, Int64(n))
        case .leakyRelu:
            gz.update(repeating: 0, count: n)
            ckernels_leaky_relu_backward(g, y, gz, 0.01, Int64(n))
        case .tanh:
            gz.update(repeating: 0, count: n)
            ckernels_tanh_backward(g, y, gz, Int64(n))
        case .sigmoid:
            gz.update(repeating: 0, count: n)
            ckernels_sigmoid_backward(g, y, gz, Int64(n))
        }
    }

    /// The gradient before this activation for a `result` whose data are the activation's outputs.
    func gradientBeforeActivation(of result: Tensor) -> [Float] {
        guard self != .identity && self != .elu else { return result.grad! }
        var gz = [Float](repeating: 0, count: result.count)
        result.grad!.withUnsafeBufferPointer { up in
            result.data.withUnsafeBufferPointer { y in
                gz.withUnsafeMutableBufferPointer { out in
                    backwardFromOutput(up.baseAddress!, output: y.baseAddress!, into: out.baseAddress!, count: out.count)
                }
            }
        }
        return gz
    }

    /// The gain that keeps activations' scale, for orthogonal and Kaiming initialisation (PyTorch's
    /// `calculate_gain`).
    public var gain: Float {
        switch self {
        case .relu: return Float(2).squareRoot()
        case .leakyRelu: return (Float(2) / (1 + 0.01 * 0.01)).squareRoot()
        case .tanh: return 5.0 / 3
        case .sigmoid, .elu, .identity: return 1
        }
    }
}
