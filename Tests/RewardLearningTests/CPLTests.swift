import Foundation
import Testing
import TestSupport
import Agents
import NeuralNets
@testable import RewardLearning
import SandboxCore

@Suite("CPL")
struct CPLTests {
    @Test("the CPL loss is −log σ(S⁺ − λ·S⁻), ties mix both directions, and its gradient matches finite differences")
    func lossValuesAndGradient() {
        let s1 = Tensor([-1.0, -3.0, -2.0]), s2 = Tensor([-2.0, -1.0, -2.5])
        let y = Tensor([1, 0, 0.5])
        let value = cplLoss(firstScores: s1, secondScores: s2, firstPreferred: y, contrastiveBias: 0.5).item
        func nlsig(_ z: Float) -> Float { Foundation.log(1 + Foundation.exp(-z)) }
        let expected = (nlsig(-1 - 0.5 * -2) + nlsig(-1 - 0.5 * -3) + 0.5 * nlsig(-2 - 0.5 * -2.5) + 0.5 * nlsig(-2.5 - 0.5 * -2)) / 3
        #expect(abs(value - expected) < 1e-5)

        var generator = TestGenerator(seed: 11)
        let first = variable([6], &generator, low: -4, high: 0), second = variable([6], &generator, low: -4, high: 0)
        let labels = Tensor([1, 0, 0.5, 1, 0, 0.5])
        expectGradientsMatch([first, second], epsilon: 1e-3) {
            cplLoss(firstScores: first, secondScores: second, firstPreferred: labels, contrastiveBias: 0.5)
        }
    }

    /// Pairs on the point task: the first segment moves towards the target, the second away from it,
    /// each step's action with some noise; the first is preferred.
    func pointPairs(count: Int, seed: UInt64) throws -> [PreferencePair] {
        var generator = SeededGenerator(seed: seed)
        let task = PointTask()
        func segment(towards: Bool, episodeSeed: UInt64) throws -> Segment {
            var observation = task.reset(seed: episodeSeed)
            var observations: [[Float]] = [], actions: [[Float]] = [], rewards: [Double] = []
            for _ in 0..<5 {
                let direction: Float = observation[1] >= observation[0] ? 1 : -1
                let action = [Swift.min(Swift.max((towards ? direction : -direction) * Float(generator.uniform(0.3, 1)), -1), 1)]
                let result = try task.step(action)
                observations.append(observation)
                actions.append(action)
                rewards.append(result.reward)
                observation = result.observation
            }
            return Segment(observations: observations, actions: actions, trueRewards: rewards)
        }
        return try (0..<count).map { i in
            PreferencePair(first: try segment(towards: true, episodeSeed: UInt64(2 * i) + seed),
                           second: try segment(towards: false, episodeSeed: UInt64(2 * i + 1) + seed), firstPreferred: 1)
        }
    }

    @Test("the CPL loss through a small actor has the gradient finite differences give")
    func actorGradient() throws {
        let pairs = Array(try pointPairs(count: 3, seed: 1))
        var configuration = CPLLearner.Configuration()
        configuration.hiddenSizes = [4]
        let learner = try CPLLearner(task: PointTask().spec, pairs: pairs, configuration: configuration, seed: 2)
        let batch = pairs + [PreferencePair(first: pairs[0].second, second: pairs[1].first, firstPreferred: 0.5)]
        expectGradientsMatch(learner.policy.actorParameters, epsilon: 1e-3, tolerance: 3e-2) { learner.loss(on: batch).loss }
    }

    @Test("behaviour cloning then CPL on labelled pairs learns the preferred actions, which cloning alone does not")
    func learnsPreferredActions() throws {
        let pairs = try pointPairs(count: 64, seed: 3)
        var configuration = CPLLearner.Configuration()
        configuration.hiddenSizes = [32, 32]
        configuration.bcSteps = 150
        configuration.steps = 250
        configuration.batchSize = 16
        configuration.learningRate = 3e-3
        configuration.warmupSteps = 20
        let learner = try CPLLearner(task: PointTask().spec, pairs: pairs, configuration: configuration, seed: 4)
        // Share of held-out states where the policy moves towards the target.
        func towards() -> Double {
            var generator = SeededGenerator(seed: 77)
            let right = (0..<200).filter { _ in
                let p = Float(generator.uniform(-1, 1)), t = Float(generator.uniform(-0.8, 0.8))
                guard abs(t - p) > 0.1 else { return true }
                return (learner.policy.action(for: [p, t])[0] > 0) == (t > p)
            }.count
            return Double(right) / 200
        }
        var metrics: [[String: Double]] = []
        while learner.inBehaviourCloning { metrics.append(learner.trainStep()) }
        let afterCloning = towards()
        while learner.step < learner.totalSteps { metrics.append(learner.trainStep()) }
        let afterCPL = towards()
        #expect(metrics.first!["losses/bc_loss"] != nil && metrics.last!["losses/cpl_loss"] != nil)
        #expect(afterCPL > 0.9, "moves towards the target on \(afterCPL) of states (after cloning \(afterCloning))")
        #expect(afterCPL > afterCloning)
        let returns = try evaluate(learner.policy)
        #expect(returns > -6, "return \(returns)")
    }

    @Test("a store without answers is a usage error that says how to answer")
    func noPairs() {
        #expect(throws: CPLError.self) { _ = try CPLLearner(task: PointTask().spec, pairs: [], seed: 0) }
        #expect(CPLError.noPairs.isUsageError)
    }
}
