import Foundation
import Testing
import TestSupport
import NeuralNets
import SandboxCore
import PhysicsEnvs
@testable import RewardLearning

/// A toy task spec for reward models: 3-d observations, 1-d actions.
let toySpec = TaskSpec(name: "Toy", version: 1, observationSpace: .box(BoxSpace(uniformLow: -1, high: 1, shape: [3])),
                       actionSpace: .box(BoxSpace(uniformLow: -1, high: 1, shape: [1])), rewardTerms: ["r"], maxEpisodeSteps: 10,
                       framesPerSecond: 10, renderWidth: 8, renderHeight: 8, defaultOptions: [:], summary: "toy")

/// Random segments whose true reward is linear in (observation, action).
func linearSegments(_ count: Int, length: Int, seed: UInt64) -> [Segment] {
    var g = SeededGenerator(seed: seed)
    let w: [Float] = [1.0, -2.0, 0.5, 1.5]
    return (0..<count).map { _ in
        let observations = (0..<length).map { _ in (0..<3).map { _ in Float.random(in: -1...1, using: &g) } }
        let actions = (0..<length).map { _ in [Float.random(in: -1...1, using: &g)] }
        let rewards = zip(observations, actions).map { o, a in Double(zip(o + a, w).map(*).reduce(0, +)) }
        return Segment(observations: observations, actions: actions, trueRewards: rewards)
    }
}

/// `count` oracle-labelled pairs of consecutive segments (cycling through them), answered on their
/// padded true rewards; and a fitter with small-problem settings.
func oraclePairs(_ segments: [Segment], count: Int, returnRange: (Double, Double), seed: UInt64, endings: Endings = .learned) -> [PreferencePair] {
    var teacher = SimulatedTeacher(.init(), seed: seed)
    return (0..<count).compactMap { k in
        let a = segments[(2 * k) % segments.count], b = segments[(2 * k + 1) % segments.count]
        return PreferencePair(first: a, second: b, answer: teacher.answer(first: endings.teacherRewards(a), second: endings.teacherRewards(b), returnRange: returnRange))
    }
}

func smallFitter(epochs: Int) -> RewardFitter {
    var fitter = RewardFitter()
    fitter.configuration.epochs = epochs
    fitter.configuration.batchSize = 32
    fitter.configuration.learningRate = 3e-3
    return fitter
}

@Suite("Bradley–Terry reward learning")
struct BradleyTerryTests {
    @Test("the loss passes a gradient check")
    func gradient() {
        var g = SeededGenerator(seed: 1)
        let r1 = Tensor.uniform([6], low: -2, high: 2, using: &g).variable(), r2 = Tensor.uniform([6], low: -2, high: 2, using: &g).variable()
        let y = Tensor([1, 0, 0.5, 1, 0, 1])
        let loss = bradleyTerryLoss(firstReturns: r1, secondReturns: r2, firstPreferred: y)
        loss.backward()
        // Analytic: dL/dz = (σ(z) − y)/N.
        for i in 0..<6 {
            let z = r1.data[i] - r2.data[i]
            let expected = (1 / (1 + exp(-z)) - y.data[i]) / 6
            #expect(abs(r1.grad![i] - expected) < 1e-6 && abs(r2.grad![i] + expected) < 1e-6)
        }
        // And by finite differences.
        let epsilon: Float = 1e-2
        for i in 0..<6 {
            let original = r1.data[i]
            r1.updateData { $0[i] = original + epsilon }
            let plus = bradleyTerryLoss(firstReturns: r1.detached(), secondReturns: r2.detached(), firstPreferred: y).item
            r1.updateData { $0[i] = original - epsilon }
            let minus = bradleyTerryLoss(firstReturns: r1.detached(), secondReturns: r2.detached(), firstPreferred: y).item
            r1.updateData { $0[i] = original }
            #expect(abs((plus - minus) / (2 * epsilon) - r1.grad![i]) < 1e-3)
        }
    }

    @Test("an ensemble recovers a linear reward from oracle labels")
    func recoversLinearReward() throws {
        let pairs = oraclePairs(linearSegments(240, length: 10, seed: 2), count: 200, returnRange: (-20, 20), seed: 3)
        var g = SeededGenerator(seed: 4)
        let model = RewardEnsemble(.init(task: toySpec, hiddenSizes: [16], ensembleSize: 2), using: &g)
        let report = try smallFitter(epochs: 60).fit(model, pairs: pairs, seed: 5)
        #expect(report.heldOutAccuracy > 0.85, "held-out accuracy \(report.heldOutAccuracy)")
        // Learned and true returns correlate on fresh segments.
        let fresh = linearSegments(100, length: 10, seed: 6)
        let learned = fresh.map { Double(model.rewards(observations: $0.observations, actions: $0.actions).reduce(0, +)) }
        let truth = fresh.map(\.trueReturn)
        #expect(pearson(learned, truth) > 0.9, "correlation \(pearson(learned, truth))")
    }

    func pearson(_ a: [Double], _ b: [Double]) -> Double {
        let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
        let cov = zip(a, b).map { ($0 - ma) * ($1 - mb) }.reduce(0, +)
        return cov / (a.map { ($0 - ma) * ($0 - ma) }.reduce(0, +).squareRoot() * b.map { ($0 - mb) * ($0 - mb) }.reduce(0, +).squareRoot())
    }

    @Test("selection rules pick the intended pairs on a toy ensemble")
    func selection() {
        // Two linear members (no hidden layer) that agree on the first input and disagree on the second.
        var g = SeededGenerator(seed: 8)
        let model = RewardEnsemble(.init(task: toySpec, hiddenSizes: [], ensembleSize: 2), using: &g)
        // members: r = 1·x0 + (±1)·x1
        for (k, member) in model.members.enumerated() {
            member.layers[0].weight.assign([1, k == 0 ? 1 : -1, 0, 0])
            member.layers[0].bias!.assign([0])
        }
        func segment(_ x0: Float, _ x1: Float) -> Segment {
            Segment(observations: [[x0, x1, 0]], actions: [[0]], trueRewards: [0])
        }
        // 0 vs 1: both members see +2 vs 0 → agree, confident. 2 vs 3: members see opposite orders → disagree.
        // 4 vs 5: identical → both predict 0.5: no disagreement, maximal entropy.
        let segments = [segment(2, 0), segment(0, 0), segment(0, 2), segment(0, -2), segment(1, 1), segment(1, 1)]
        let pool = [(0, 1), (2, 3), (4, 5)]
        let disagreement = QuerySampler.scores(.disagreement, pool: pool, segments: segments, model: model)
        let entropy = QuerySampler.scores(.entropy, pool: pool, segments: segments, model: model)
        #expect(disagreement.firstIndex(of: disagreement.max()!) == 1)
        #expect(abs(disagreement[2]) < 1e-9)
        #expect(entropy.firstIndex(of: entropy.max()!) == 2 || entropy[1] == entropy[2])
        #expect(entropy[0] < entropy[2])
        var generator = SeededGenerator(seed: 1)
        let picked = QuerySampler.disagreement.select(1, from: segments, model: model, poolFactor: 50, using: &generator)
        #expect(Set([picked[0].0, picked[0].1]) == [2, 3])
        let uniform = QuerySampler.uniform.select(20, from: segments, model: nil, using: &generator)
        #expect(uniform.count == 20 && uniform.allSatisfy { $0.0 != $0.1 })
        // `between` joins one segment of each range, in either order; the informed sampler still ranks.
        let across = QuerySampler.uniform.select(40, from: segments, model: nil, between: (0..<2, 2..<6), using: &generator)
        #expect(across.count == 40 && across.allSatisfy { ($0.0 < 2) != ($0.1 < 2) })
        #expect(across.contains { $0.0 < 2 } && across.contains { $0.1 < 2 }, "both orders occur")
        let informed = QuerySampler.disagreement.select(1, from: segments, model: model, poolFactor: 50, between: (0..<3, 3..<6), using: &generator)
        #expect(Set([informed[0].0, informed[0].1]) == [2, 3])
    }
}
