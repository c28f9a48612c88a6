/// A 2-D convolution over channels-last images [N, H, W, C] with weight [outC, kh, kw, inC].
public final class Conv2d: ParameterContainer {
    public let weight: Tensor
    public let bias: Tensor?
    public let geometry: ConvolutionGeometry

    public init<G: RandomNumberGenerator>(_ inputChannels: Int, _ outputChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                                          bias: Bool = true, initializer: Initializer = .pytorchDefault, using generator: inout G) {
        geometry = ConvolutionGeometry(kernel: kernel, stride: stride, padding: padding)
        let shape = [outputChannels, kernel, kernel, inputChannels]
        weight = Tensor(shape: shape, data: initializer.values(shape: shape, using: &generator), requiresGrad: true)
        if bias {
            if case .pytorchDefault = initializer {
                let bound = 1 / Float(kernel * kernel * inputChannels).squareRoot()
                self.bias = Tensor(shape: [outputChannels],
                                   data: (0..<outputChannels).map { _ in Float.random(in: -bound...bound, using: &generator) }, requiresGrad: true)
            } else {
                self.bias = Tensor.zeros([outputChannels], requiresGrad: true)
            }
        } else {
            self.bias = nil
        }
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { Tensor.conv2d(x, weight: weight, bias: bias, geometry: geometry) }

    public var namedParameters: [(name: String, tensor: Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}

/// A stack of convolutions with an activation after each, then flattening: the CNN builder.
public final class ConvolutionStack: ParameterContainer {
    public struct LayerSpec: Codable, Sendable, Equatable {
        public var channels: Int, kernel: Int, stride: Int, padding: Int
        public init(channels: Int, kernel: Int, stride: Int = 1, padding: Int = 0) {
            self.channels = channels; self.kernel = kernel; self.stride = stride; self.padding = padding
        }
    }

    public let convolutions: [Conv2d]
    public let activation: Activation
    /// Flattened output size for an input of the given size.
    public let outputSize: Int

    /// `initializer` defaults to orthogonal with the activation's gain.
    public init<G: RandomNumberGenerator>(inputHeight: Int, inputWidth: Int, inputChannels: Int, layers: [LayerSpec],
                                          activation: Activation = .relu, initializer: Initializer? = nil, using generator: inout G) {
        var channels = inputChannels, h = inputHeight, w = inputWidth
        var convolutions: [Conv2d] = []
        for spec in layers {
            let conv = Conv2d(channels, spec.channels, kernel: spec.kernel, stride: spec.stride, padding: spec.padding,
                              initializer: initializer ?? .orthogonal(gain: activation.gain), using: &generator)
            (h, w) = conv.geometry.outputSize(height: h, width: w)
            precondition(h > 0 && w > 0, "convolution stack shrinks a \(inputHeight)×\(inputWidth) input to nothing")
            channels = spec.channels
            convolutions.append(conv)
        }
        self.convolutions = convolutions
        self.activation = activation
        outputSize = h * w * channels
    }

    /// x [N, H, W, C] → [N, outputSize].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var h = x
        for conv in convolutions {
            h = Tensor.conv2d(h, weight: conv.weight, bias: conv.bias, geometry: conv.geometry, activation: activation)
        }
        return h.flattenedBatch()
    }

    public var namedParameters: [(name: String, tensor: Tensor)] {
        convolutions.enumerated().flatMap { prefixed("convolutions.\($0.offset)", $0.element.namedParameters) }
    }
}

/// The Nature-DQN encoder (Mnih et al. 2015) for 64×64 RGB: 32 8×8/4, 64 4×4/2, 64 3×3/1, then a
/// 512-unit linear layer, ReLU throughout. Input [N, 64, 64, 3] in [0, 1]; output [N, 512].
public final class NatureCNN: ParameterContainer {
    public let convolutions: ConvolutionStack
    public let projection: Linear
    public let featureSize: Int

    /// `initializer` defaults to orthogonal with ReLU's gain; a model about to load its weights can pass
    /// a cheaper one (`.pytorchDefault`), as orthogonalising the 1024 × 512 projection takes a while.
    public init<G: RandomNumberGenerator>(inputHeight: Int = 64, inputWidth: Int = 64, inputChannels: Int = 3,
                                          featureSize: Int = 512, initializer: Initializer? = nil, using generator: inout G) {
        convolutions = ConvolutionStack(
            inputHeight: inputHeight, inputWidth: inputWidth, inputChannels: inputChannels,
            layers: [.init(channels: 32, kernel: 8, stride: 4), .init(channels: 64, kernel: 4, stride: 2), .init(channels: 64, kernel: 3, stride: 1)],
            initializer: initializer, using: &generator)
        projection = Linear(convolutions.outputSize, featureSize, initializer: initializer ?? .orthogonal(gain: Activation.relu.gain), using: &generator)
        self.featureSize = featureSize
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        Tensor.linear(convolutions(x), weight: projection.weight, bias: projection.bias, activation: .relu)
    }

    public var namedParameters: [(name: String, tensor: Tensor)] {
        prefixed("convolutions", convolutions.namedParameters) + prefixed("projection", projection.namedParameters)
    }
}
