import Testing
import TestSupport
@testable import NeuralNets

@Suite("Element-wise operations: values and gradients")
struct ElementwiseGradientTests {
    @Test("add, subtract, multiply and divide broadcast and differentiate", arguments: [
        ([3, 4], [3, 4]), ([3, 4], [4]), ([3, 4], [3, 1]), ([3, 4], [1]), ([2, 3, 4], [3, 1]), ([4], [2, 3, 4]),
    ])
    func binaryOperations(shapes: ([Int], [Int])) {
        var g = TestGenerator(seed: 1)
        let a = variable(shapes.0, &g), b = variable(shapes.1, &g, low: 0.5, high: 1.5)
        expectGradientsMatch([a, b]) { project(a + b) }
        expectGradientsMatch([a, b]) { project(a - b) }
        expectGradientsMatch([a, b]) { project(a * b) }
        expectGradientsMatch([a, b]) { project(a / b) }
        // Away from the kink a = b, where finite differences straddle both branches.
        let low = variable(shapes.0, &g, low: -1, high: 0.3)
        expectGradientsMatch([low, b]) { project(Tensor.maximum(low, b)) }
        expectGradientsMatch([low, b]) { project(Tensor.minimum(low, b)) }
    }

    @Test("broadcast values follow NumPy")
    func broadcastValues() {
        let a = Tensor(rows: [[1, 2, 3], [4, 5, 6]])
        #expect((a + Tensor([10, 20, 30])).data == [11, 22, 33, 14, 25, 36])
        #expect((a * Tensor(shape: [2, 1], data: [2, 3])).data == [2, 4, 6, 12, 15, 18])
        #expect((Tensor(2) - a).data == [1, 0, -1, -2, -3, -4])
    }

    @Test("scalar operations differentiate")
    func scalarOperations() {
        var g = TestGenerator(seed: 2)
        let a = variable([5], &g)
        expectGradientsMatch([a]) { project(a * 3 + 1 - 2) }
        expectGradientsMatch([a]) { project(2 - a / 4) }
        expectGradientsMatch([a]) { project(-a) }
    }

    @Test("unary operations differentiate")
    func unaryOperations() {
        var g = TestGenerator(seed: 3)
        let a = variable([4, 5], &g)
        let positive = variable([4, 5], &g, low: 0.5, high: 2)
        expectGradientsMatch([a]) { project(a.exp()) }
        expectGradientsMatch([positive]) { project(positive.log()) }
        expectGradientsMatch([positive]) { project(positive.sqrt()) }
        expectGradientsMatch([positive]) { project(positive.pow(1.7)) }
        expectGradientsMatch([a]) { project(a.pow(3)) }
        expectGradientsMatch([a]) { project(a.square()) }
        expectGradientsMatch([a]) { project(a.abs()) }
        expectGradientsMatch([a]) { project(a.clamp(min: -0.5, max: 0.6)) }
        expectGradientsMatch([a]) { project(a.relu()) }
        expectGradientsMatch([a]) { project(a.leakyRelu(slope: 0.1)) }
        expectGradientsMatch([a]) { project(a.tanh()) }
        expectGradientsMatch([a]) { project(a.sigmoid()) }
        expectGradientsMatch([a]) { project((a * 5).softplus()) }
        expectGradientsMatch([a]) { project(a.elu()) }
        let exponent = variable([4, 5], &g)
        expectGradientsMatch([positive, exponent]) { project(positive.pow(exponent)) }
    }

    @Test("activations give the textbook values, without overflow")
    func activationValues() {
        let x = Tensor([-100, -1, 0, 1, 100])
        #expect(x.relu().data == [0, 0, 0, 1, 100])
        #expect(x.sigmoid().data[0] >= 0 && x.sigmoid().data[4] == 1)
        #expect(x.softplus().data[4] == 100 && x.softplus().data[0] >= 0 && x.softplus().data[0] < 1e-30)
        #expect(abs(x.softplus().data[2] - 0.6931472) < 1e-6)
        #expect(abs(x.elu().data[1] - (Float(-0.6321206))) < 1e-6)
    }

    @Test("gradients accumulate over uses and over backward calls")
    func accumulation() {
        let a = Tensor([1, 2, 3], requiresGrad: true)
        (a * a + a).sum().backward()
        #expect(a.grad == [3, 5, 7])
        (a * 2).sum().backward()
        #expect(a.grad == [5, 7, 9])
        a.zeroGrad()
        #expect(a.grad == nil)
        let constant = Tensor([1, 2])
        let y = constant * 3
        #expect(!y.requiresGrad)
    }
}
