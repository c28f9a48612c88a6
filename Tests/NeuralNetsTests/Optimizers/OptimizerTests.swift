import Foundation
import Testing
import TestSupport
@testable import NeuralNets

@Suite("Optimisers, clipping, schedules and learning")
struct OptimizerTests {
    @Test("Adam's first steps match the formula")
    func adamSteps() {
        let w = Tensor([1, -2], requiresGrad: true)
        let adam = Adam(parameters: [w], configuration: .init(learningRate: 0.1))
        // Loss ½‖w‖²: gradient w. The first Adam step moves each weight by lr·sign(g).
        (w.square().sum() * 0.5).backward()
        adam.step()
        #expect(abs(w.data[0] - 0.9) < 1e-6 && abs(w.data[1] + 1.9) < 1e-6)
        adam.zeroGrad()
        (w.square().sum() * 0.5).backward()
        adam.step()
        // m = 0.9·0.1·g1... worked by hand: second step ≈ lr again while gradients keep their sign.
        #expect(w.data[0] < 0.9 && w.data[0] > 0.79)
    }

    @Test("AdamW decays weights without a gradient's help")
    func adamWDecay() {
        let w = Tensor([1, 1], requiresGrad: true)
        let adam = Adam(parameters: [w], configuration: .adamW(learningRate: 0.1, weightDecay: 0.5))
        w.withGradient { g in for i in 0..<g.count { g[i] = 0 } }
        adam.step()
        #expect(abs(w.data[0] - 0.95) < 1e-6)
    }

    @Test("global-norm clipping scales all gradients together")
    func clipping() {
        let a = Tensor([0, 0], requiresGrad: true), b = Tensor([0], requiresGrad: true)
        a.withGradient { $0[0] = 3; $0[1] = 0 }
        b.withGradient { $0[0] = 4 }
        let norm = clipGradientNorm([a, b], maxNorm: 1)
        #expect(abs(norm - 5) < 1e-5)
        #expect(abs(a.grad![0] - 0.6) < 1e-4 && abs(b.grad![0] - 0.8) < 1e-4)
    }

    @Test("learning-rate schedules")
    func schedules() {
        #expect(LearningRateSchedule.constant.rate(base: 1, progress: 0.7) == 1)
        #expect(abs(LearningRateSchedule.linear(finalFraction: 0).rate(base: 2, progress: 0.25) - 1.5) < 1e-6)
        #expect(abs(LearningRateSchedule.cosine(finalFraction: 0).rate(base: 1, progress: 0.5) - 0.5) < 1e-6)
        #expect(abs(LearningRateSchedule.warmupCosine(warmupFraction: 0.1).rate(base: 1, progress: 0.05) - 0.5) < 1e-6)
        #expect(LearningRateSchedule.warmupCosine(warmupFraction: 0.1).rate(base: 1, progress: 1) < 1e-6)
    }

    @Test("an MLP learns XOR")
    func xor() {
        var g = TestGenerator(seed: 21)
        let mlp = MLP(.init(inputSize: 2, hiddenSizes: [8], outputSize: 1, activation: .tanh), using: &g)
        let adam = Adam(parameters: mlp.parameters, configuration: .init(learningRate: 0.05))
        let x = Tensor(rows: [[0, 0], [0, 1], [1, 0], [1, 1]]), y = Tensor(shape: [4, 1], data: [0, 1, 1, 0])
        for _ in 0..<500 {
            adam.zeroGrad()
            // Binary cross-entropy on logits: softplus(z) − y·z.
            let z = mlp(x)
            (z.softplus() - y * z).mean().backward()
            adam.step()
        }
        let predictions = mlp(x).sigmoid().data
        #expect(predictions[0] < 0.1 && predictions[1] > 0.9 && predictions[2] > 0.9 && predictions[3] < 0.1, "\(predictions)")
    }

    @Test("an MLP fits a small regression")
    func regression() {
        var g = TestGenerator(seed: 22)
        let xs = (0..<128).map { _ in Float.random(in: -2...2, using: &g) }
        let x = Tensor(shape: [128, 1], data: xs), y = Tensor(shape: [128, 1], data: xs.map { Foundation.sin(2 * $0) })
        let mlp = MLP(.init(inputSize: 1, hiddenSizes: [32, 32], outputSize: 1, activation: .tanh), using: &g)
        let adam = Adam(parameters: mlp.parameters, configuration: .init(learningRate: 0.01))
        var loss: Float = 1
        for _ in 0..<800 {
            adam.zeroGrad()
            let l = (mlp(x) - y).square().mean()
            l.backward()
            clipGradientNorm(mlp.parameters, maxNorm: 10)
            adam.step()
            loss = l.item
        }
        #expect(loss < 0.01, "final mean squared error \(loss)")
    }

    @Test("OpenBLAS runs on one thread unless asked")
    func blasThreads() {
        #expect(BLAS.threadCount >= 1)
        BLAS.setThreadCount(1)
        #expect(BLAS.threadCount == 1)
    }
}
