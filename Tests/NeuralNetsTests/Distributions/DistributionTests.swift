import Foundation
import Testing
import TestSupport
@testable import NeuralNets

@Suite("Distributions")
struct DistributionTests {
    @Test("diagonal Gaussian log-probability and entropy: values and gradients")
    func diagonalGaussian() {
        var g = TestGenerator(seed: 31)
        let mean = variable([3, 2], &g), logStd = variable([2], &g, low: -0.5, high: 0.5)
        let x = Tensor.uniform([3, 2], low: -1, high: 1, using: &g)
        let d = DiagonalGaussian(mean: mean, logStd: logStd)
        // Closed form for the first row.
        var expected: Float = 0
        for j in 0..<2 {
            let s = Foundation.exp(logStd.data[j]), z = (x.data[j] - mean.data[j]) / s
            expected += -0.5 * z * z - Foundation.log(s) - 0.5 * Foundation.log(2 * .pi)
        }
        #expect(abs(d.logProbability(x).data[0] - expected) < 1e-5)
        let entropy = d.entropy()
        #expect(entropy.shape == [3])
        #expect(abs(entropy.data[0] - (logStd.data.reduce(0, +) + 2 * 0.5 * Float(Foundation.log(2 * Double.pi * M_E)))) < 1e-5)
        expectGradientsMatch([mean, logStd]) { project(DiagonalGaussian(mean: mean, logStd: logStd).logProbability(x)) }
        expectGradientsMatch([logStd]) { DiagonalGaussian(mean: mean, logStd: logStd).entropy().sum() }
        expectGradientsMatch([mean, logStd]) {
            var fixed = TestGenerator(seed: 5)
            return project(DiagonalGaussian(mean: mean, logStd: logStd).rsample(using: &fixed))
        }
    }

    @Test("samples have the right mean and spread")
    func sampling() {
        var g = TestGenerator(seed: 32)
        let d = DiagonalGaussian(mean: Tensor.full([4000, 1], 2), logStd: Tensor([Float(Foundation.log(0.5))]))
        let s = d.sample(using: &g).data
        let mean = s.reduce(0, +) / Float(s.count)
        let std = (s.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(s.count)).squareRoot()
        #expect(abs(mean - 2) < 0.05 && abs(std - 0.5) < 0.05)
    }

    @Test("tanh-squashed Gaussian: the log-det correction is exact and differentiable")
    func tanhGaussian() {
        var g = TestGenerator(seed: 33)
        let mean = variable([4, 2], &g), logStd = variable([4, 2], &g, low: -1, high: 0)
        let d = TanhGaussian(mean: mean, logStd: logStd)
        let u = Tensor.uniform([4, 2], low: -2, high: 2, using: &g)
        let direct = d.base.logProbability(u).data.enumerated().map { n, lp in
            lp - (0..<2).map { j in Foundation.log(1 - Foundation.pow(Foundation.tanh(u.data[n * 2 + j]), 2)) }.reduce(0, +)
        }
        #expect(zip(d.logProbability(preTanh: u).data, direct).allSatisfy { abs($0 - $1) < 1e-4 })
        // Through the action: atanh(tanh(u)) = u.
        #expect(zip(d.logProbability(action: u.tanh()).data, direct).allSatisfy { abs($0 - $1) < 1e-2 })
        expectGradientsMatch([mean, logStd]) {
            var fixed = TestGenerator(seed: 8)
            let (action, logProbability) = TanhGaussian(mean: mean, logStd: logStd).rsampleWithLogProbability(using: &fixed)
            return project(action) + logProbability.sum()
        }
        var s = TestGenerator(seed: 1)
        #expect(d.sample(using: &s).data.allSatisfy { abs($0) < 1 })
        #expect(d.mode.data == mean.tanh().data)
        #expect(d.entropyEstimate(using: &s).shape == [4])
    }
}
