/// A fully connected layer y = x·Wᵀ + b with W [out, in] (PyTorch's layout).
public final class Linear: ParameterContainer {
    public let weight: Tensor
    public let bias: Tensor?
    public var inputSize: Int { weight.shape[1] }
    public var outputSize: Int { weight.shape[0] }

    public init<G: RandomNumberGenerator>(_ inputSize: Int, _ outputSize: Int, bias: Bool = true,
                                          initializer: Initializer = .pytorchDefault, using generator: inout G) {
        precondition(inputSize > 0 && outputSize > 0, "Linear needs positive sizes, got \(inputSize)→\(outputSize)")
        weight = Tensor(shape: [outputSize, inputSize], data: initializer.values(shape: [outputSize, inputSize], using: &generator),
                        requiresGrad: true)
        if bias {
            if case .pytorchDefault = initializer {
                let bound = 1 / Float(inputSize).squareRoot()
                self.bias = Tensor(shape: [outputSize], data: (0..<outputSize).map { _ in Float.random(in: -bound...bound, using: &generator) },
                                   requiresGrad: true)
            } else {
                self.bias = Tensor.zeros([outputSize], requiresGrad: true)
            }
        } else {
            self.bias = nil
        }
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        if x.rank == 1 { return Tensor.linear(x.reshaped([1, -1]), weight: weight, bias: bias).reshaped([outputSize]) }
        return Tensor.linear(x, weight: weight, bias: bias)
    }

    public var namedParameters: [(name: String, tensor: Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}

/// Layer normalisation over the last dimension with learned gain and bias.
public final class LayerNorm: ParameterContainer {
    public let gain: Tensor
    public let bias: Tensor
    public let epsilon: Float

    public init(_ size: Int, epsilon: Float = 1e-5) {
        gain = Tensor(shape: [size], data: [Float](repeating: 1, count: size), requiresGrad: true)
        bias = Tensor.zeros([size], requiresGrad: true)
        self.epsilon = epsilon
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { Tensor.layerNorm(x, gain: gain, bias: bias, epsilon: epsilon) }

    public var namedParameters: [(name: String, tensor: Tensor)] { [("weight", gain), ("bias", bias)] }
}
