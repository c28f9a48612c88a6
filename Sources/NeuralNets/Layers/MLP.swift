/// A multilayer perceptron: Linear → activation → … → Linear (no activation after the last layer
/// unless `outputActivation` says so).
public final class MLP: ParameterContainer {
    /// What an MLP is, for configurations and checkpoints.
    public struct Configuration: Codable, Sendable, Equatable {
        public var inputSize: Int
        public var hiddenSizes: [Int]
        public var outputSize: Int
        public var activation: Activation
        public var outputActivation: Activation
        public var layerNorm: Bool

        public init(inputSize: Int, hiddenSizes: [Int], outputSize: Int, activation: Activation = .relu,
                    outputActivation: Activation = .identity, layerNorm: Bool = false) {
            self.inputSize = inputSize
            self.hiddenSizes = hiddenSizes
            self.outputSize = outputSize
            self.activation = activation
            self.outputActivation = outputActivation
            self.layerNorm = layerNorm
        }
    }

    public let configuration: Configuration
    public let layers: [Linear]
    public let norms: [LayerNorm]

    /// - Parameters:
    ///   - initializer: for hidden layers; defaults to orthogonal with the activation's gain.
    ///   - outputGain: orthogonal gain of the last layer when `initializer` is orthogonal (PPO uses 0.01 for
    ///     the policy head and 1 for the value head).
    public init<G: RandomNumberGenerator>(_ configuration: Configuration, initializer: Initializer? = nil,
                                          outputGain: Float = 1, using generator: inout G) {
        self.configuration = configuration
        let sizes = [configuration.inputSize] + configuration.hiddenSizes + [configuration.outputSize]
        let hidden = initializer ?? .orthogonal(gain: configuration.activation.gain)
        var layers: [Linear] = []
        for i in 0..<(sizes.count - 1) {
            let isLast = i == sizes.count - 2
            var init_ = hidden
            if isLast, case .orthogonal = hidden { init_ = .orthogonal(gain: outputGain) }
            layers.append(Linear(sizes[i], sizes[i + 1], initializer: init_, using: &generator))
        }
        self.layers = layers
        norms = configuration.layerNorm ? configuration.hiddenSizes.map { LayerNorm($0) } : []
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        var h = x
        if norms.isEmpty && x.rank == 2 {  // fused linear + activation
            for (i, layer) in layers.enumerated() {
                let activation = i < layers.count - 1 ? configuration.activation : configuration.outputActivation
                h = Tensor.linear(h, weight: layer.weight, bias: layer.bias, activation: activation)
            }
            return h
        }
        for (i, layer) in layers.enumerated() {
            h = layer(h)
            if i < layers.count - 1 {
                if !norms.isEmpty { h = norms[i](h) }
                h = configuration.activation(h)
            } else {
                h = configuration.outputActivation(h)
            }
        }
        return h
    }

    /// The forward pass with the parameters held constant: gradients flow to the input only, and the
    /// weight gradients are never computed (e.g. SAC's actor loss through the critics). The weights are
    /// shared, not copied.
    public func callAsFunction(_ x: Tensor, frozen: Bool) -> Tensor {
        guard frozen, norms.isEmpty, x.rank == 2 else { return callAsFunction(x) }
        var h = x
        for (i, layer) in layers.enumerated() {
            let activation = i < layers.count - 1 ? configuration.activation : configuration.outputActivation
            h = Tensor.linear(h, weight: layer.weight.detached(), bias: layer.bias?.detached(), activation: activation)
        }
        return h
    }

    public var namedParameters: [(name: String, tensor: Tensor)] {
        var result: [(name: String, tensor: Tensor)] = []
        for (i, layer) in layers.enumerated() {
            result += prefixed("layers.\(i)", layer.namedParameters)
            if i < norms.count { result += prefixed("norms.\(i)", norms[i].namedParameters) }
        }
        return result
    }
}
