import Foundation
import Testing
import TestSupport
@testable import NeuralNets

@Suite("Reductions and shape operations: values and gradients")
struct ReductionAndShapeGradientTests {
    @Test("sums, means, max and logsumexp over every axis")
    func reductions() {
        var g = TestGenerator(seed: 4)
        let a = variable([2, 3, 4], &g)
        expectGradientsMatch([a]) { a.sum() }
        expectGradientsMatch([a]) { a.mean() * 5 }
        expectGradientsMatch([a]) { a.max() }
        for axis in [0, 1, 2, -1] {
            expectGradientsMatch([a]) { project(a.sum(axis: axis)) }
            expectGradientsMatch([a]) { project(a.mean(axis: axis, keepingDimension: true)) }
            expectGradientsMatch([a]) { project(a.max(axis: axis)) }
            expectGradientsMatch([a]) { project(a.logSumExp(axis: axis)) }
        }
    }

    @Test("softmax and log-softmax")
    func softmax() {
        var g = TestGenerator(seed: 5)
        let a = variable([3, 5], &g, low: -3, high: 3)
        expectGradientsMatch([a]) { project(a.softmax()) }
        expectGradientsMatch([a]) { project(a.logSoftmax()) }
        expectGradientsMatch([a]) { project(a.softmax(axis: 0)) }
        let rows = a.softmax().sum(axis: 1).data
        #expect(rows.allSatisfy { abs($0 - 1) < 1e-6 })
        let big = Tensor(rows: [[1000, 1000]])
        #expect(big.logSoftmax().data.allSatisfy { abs($0 + 0.6931472) < 1e-4 })  // Float32 spacing at 1000 is 6e-5
    }

    @Test("values of reductions")
    func reductionValues() {
        let a = Tensor(rows: [[1, 5, 3], [4, 2, 6]])
        #expect(a.sum(axis: 0).data == [5, 7, 9])
        #expect(a.sum(axis: 1).data == [9, 12])
        #expect(a.max(axis: 1).data == [5, 6])
        #expect(a.mean().item == 3.5)
        #expect(a.sum(axis: 1, keepingDimension: true).shape == [2, 1])
    }

    @Test("reshape, transpose, concatenate, rows and gather")
    func shapeOperations() {
        var g = TestGenerator(seed: 6)
        let a = variable([3, 4], &g), b = variable([3, 2], &g), c = variable([2, 4], &g)
        expectGradientsMatch([a]) { project(a.reshaped([2, -1, 2])) }
        expectGradientsMatch([a]) { project(a.transposed()) }
        expectGradientsMatch([a, b]) { project(Tensor.concatenate([a, b], axis: 1)) }
        expectGradientsMatch([a, c]) { project(Tensor.concatenate([a, c], axis: 0)) }
        expectGradientsMatch([a]) { project(a.rows([2, 0, 2])) }
        expectGradientsMatch([a]) { project(a.gather([3, 0, 1])) }
        let t = Tensor(rows: [[1, 2], [3, 4]])
        #expect(t.transposed().data == [1, 3, 2, 4])
        #expect(Tensor.concatenate([t, t], axis: 1).data == [1, 2, 1, 2, 3, 4, 3, 4])
        #expect(t.gather([1, 0]).data == [2, 3])
        #expect(t.rows([1]).data == [3, 4])
    }

    @Test("a deep chain back-propagates without recursion limits")
    func deepGraph() {
        let a = Tensor([0.5], requiresGrad: true)
        var h = a
        for _ in 0..<20_000 { h = h * 1.0001 }
        h.sum().backward()
        #expect(abs(a.grad![0] - Float(pow(1.0001, 20_000.0))) < 1e-2)
    }
}
