import Testing
import TestSupport
@testable import NeuralNets

@Suite("Layers and initialisers")
struct LayerTests {
    @Test("Linear, MLP (with layer norm) and the convolution stack pass gradient checks")
    func layerGradients() {
        var g = TestGenerator(seed: 12)
        let linear = Linear(5, 3, using: &g)
        let x = variable([4, 5], &g)
        expectGradientsMatch([x] + linear.parameters) { project(linear(x)) }

        for norm in [false, true] {
            let mlp = MLP(.init(inputSize: 5, hiddenSizes: [8, 6], outputSize: 2, activation: .tanh, layerNorm: norm), using: &g)
            expectGradientsMatch([x] + mlp.parameters) { project(mlp(x)) }
        }
        let images = variable([2, 9, 9, 2], &g)
        let stack = ConvolutionStack(inputHeight: 9, inputWidth: 9, inputChannels: 2,
                                     layers: [.init(channels: 3, kernel: 3, stride: 2), .init(channels: 4, kernel: 2)], activation: .tanh, using: &g)
        #expect(stack.outputSize == 3 * 3 * 4)
        expectGradientsMatch([images] + stack.parameters) { project(stack(images)) }
        let conv = Conv2d(2, 3, kernel: 3, padding: 1, using: &g)
        expectGradientsMatch([images] + conv.parameters) { project(conv(images)) }
        let norm = LayerNorm(5)
        expectGradientsMatch([x] + norm.parameters) { project(norm(x)) }
    }

    @Test("the Nature CNN maps 64×64 RGB to 512 features and passes a sampled gradient check")
    func natureCNN() {
        var g = TestGenerator(seed: 13)
        let cnn = NatureCNN(using: &g)
        let images = variable([2, 64, 64, 3], &g, low: 0, high: 1)
        let features = cnn(images)
        #expect(features.shape == [2, 512])
        #expect(cnn.namedParameters.map(\.name) == [
            "convolutions.convolutions.0.weight", "convolutions.convolutions.0.bias",
            "convolutions.convolutions.1.weight", "convolutions.convolutions.1.bias",
            "convolutions.convolutions.2.weight", "convolutions.convolutions.2.bias",
            "projection.weight", "projection.bias",
        ])
        // Tanh-free ReLU kinks make finite differences noisy; a wider tolerance on a few samples.
        expectGradientsMatch(cnn.parameters, epsilon: 1e-3, tolerance: 5e-2, samples: 6) { project(cnn(images)) }
    }

    @Test("parameters come in a fixed order with names")
    func parameterNames() {
        var g = TestGenerator(seed: 14)
        let mlp = MLP(.init(inputSize: 3, hiddenSizes: [4], outputSize: 2, layerNorm: true), using: &g)
        #expect(mlp.namedParameters.map(\.name) == ["layers.0.weight", "layers.0.bias", "norms.0.weight", "norms.0.bias",
                                                    "layers.1.weight", "layers.1.bias"])
        #expect(mlp.parameterCount == 3 * 4 + 4 + 4 + 4 + 4 * 2 + 2)
    }

    @Test("orthogonal initialisation gives orthonormal rows times the gain")
    func orthogonal() {
        var g = TestGenerator(seed: 15)
        for (rows, columns) in [(4, 9), (9, 4), (5, 5)] {
            let w = Tensor(shape: [rows, columns], data: Initializer.orthogonal(gain: 2).values(shape: [rows, columns], using: &g))
            let product = rows <= columns ? w.matmul(w.transposed()) : w.transposed().matmul(w)
            let n = min(rows, columns)
            for i in 0..<n { for j in 0..<n {
                #expect(abs(product.data[i * n + j] - (i == j ? 4 : 0)) < 1e-4)
            } }
        }
    }

    @Test("Xavier and Kaiming have the right spread")
    func spreads() {
        var g = TestGenerator(seed: 16)
        let xavier = Initializer.xavierUniform(gain: 1).values(shape: [200, 300], using: &g)
        let bound = Float((6.0 / 500).squareRoot())
        #expect(xavier.allSatisfy { abs($0) <= bound })
        let kaiming = Initializer.kaimingNormal(gain: Float(2).squareRoot()).values(shape: [400, 200], using: &g)
        let variance = kaiming.map { $0 * $0 }.reduce(0, +) / Float(kaiming.count)
        #expect(abs(variance - 2.0 / 200) < 0.001)
    }

    @Test("soft updates move towards the other network; copies make them equal")
    func targetNetworks() {
        var g = TestGenerator(seed: 17)
        let a = MLP(.init(inputSize: 2, hiddenSizes: [3], outputSize: 1), using: &g)
        let b = MLP(.init(inputSize: 2, hiddenSizes: [3], outputSize: 1), using: &g)
        let before = a.layers[0].weight.data
        a.softUpdate(towards: b, rate: 0.25)
        #expect(zip(zip(before, b.layers[0].weight.data), a.layers[0].weight.data).allSatisfy { abs(0.75 * $0.0 + 0.25 * $0.1 - $1) < 1e-6 })
        a.copyParameters(from: b)
        #expect(a.layers[1].bias!.data == b.layers[1].bias!.data)
    }
}
