import Foundation
import Testing

import SandboxCore
import TestSupport
@testable import RewardLearning
@testable import GridWorlds

/// A corridor with no cycles: states 0…4, state 4 terminal. Action 0 steps right (feature 0: a step),
/// action 1 jumps two cells (feature 1: a jump); features are [steps, jumps, arrivals].
func corridor(discount: Double) -> TabularMDP {
    var next: [[Int]] = [], features: [[[Double]]] = [], ends: [[Bool]] = []
    for s in 0..<5 {
        let right = min(s + 1, 4), jump = min(s + 2, 4)
        next.append([right, jump])
        features.append([[1, 0, right == 4 ? 1 : 0], [0, 1, jump == 4 ? 1 : 0]])
        ends.append([right == 4, jump == 4])
    }
    return TabularMDP(next: next, features: features, endsEpisode: ends, isTerminal: [false, false, false, false, true],
                      startStates: [0, 1, 2, 3], discount: discount)
}

@Suite("regret preference models on the delivery domain")
struct RegretTests {
    @Test("value iteration on a hand-solvable corridor")
    func corridorValues() {
        let mdp = corridor(discount: 0.9)
        // A step costs 1, a jump 3, arriving pays 10: from 3 one step (9); from 2 a step (−1 + 0.9·9 = 7.1)
        // beats a jump (7); from 1 a step (−1 + 0.9·7.1 = 5.39) beats a jump (−3 + 0.9·9 = 5.1).
        let solution = mdp.solve(weights: [-1, -3, 10])
        #expect(abs(solution.values[3] - 9) < 1e-12)
        #expect(abs(solution.values[2] - 7.1) < 1e-12)
        #expect(abs(solution.values[1] - 5.39) < 1e-12)
        #expect(solution.policy[1] == 0 && solution.policy[2] == 0 && solution.policy[3] == 0)
        // With jumps cheap, jumping wins from 2: −0.5 + 10 against −1 + 0.9·9.
        #expect(mdp.solve(weights: [-1, -0.5, 10]).policy[2] == 1)
        #expect(solution.values[4] == 0)
    }

    @Test("exact policy evaluation agrees with a linear solve, cycles included")
    func evaluationAgreesWithLinearSolve() {
        let mdp = DeliveryBoard.knox.mdp()
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<3 {
            let policy = (0..<mdp.stateCount).map { _ in generator.integer(0, 3) }
            let values = mdp.evaluate(policy: policy, weights: DeliveryBoard.trueWeights)
            var a = [[Double]](repeating: [Double](repeating: 0, count: mdp.stateCount), count: mdp.stateCount)
            var b = [Double](repeating: 0, count: mdp.stateCount)
            for s in 0..<mdp.stateCount {
                a[s][s] = 1
                guard !mdp.isTerminal[s] else { continue }
                b[s] = mdp.reward(s, policy[s], weights: DeliveryBoard.trueWeights)
                if !mdp.endsEpisode[s][policy[s]] { a[s][mdp.next[s][policy[s]]] -= mdp.discount }
            }
            let solved = solveLinear(a, b)
            #expect(zip(values, solved).allSatisfy { abs($0 - $1) < 1e-6 * max(1, abs($1)) })
        }
    }

    @Test("regret identities: −ΣA* is V*(s₀) − (Σr + V*(s_end)) without discount, and an optimal segment has none")
    func regretIdentities() {
        let mdp = corridor(discount: 1)
        let weights = [-1.0, -3, 10]
        let solution = mdp.solve(weights: weights)
        for actions in [[0, 0, 0], [1, 0, 1], [0, 1, 0], [1, 1, 1]] {
            let segment = TabularSegment(mdp: mdp, start: 0, actions: actions)
            let end = segment.states[segment.liveSteps]
            let telescoped = solution.values[0] - (segment.partialReturn(weights: weights) + (segment.ended ? 0 : solution.values[end]))
            #expect(abs(segment.regret(solution) - telescoped) < 1e-12, "\(actions)")
        }
        // On the delivery board (γ 0.999), following the optimal policy costs no regret.
        let board = DeliveryBoard.knox.mdp()
        let optimal = board.solve(weights: DeliveryBoard.trueWeights)
        for start in board.startStates.prefix(20) {
            var s = start, actions: [Int] = []
            for _ in 0..<3 { actions.append(optimal.policy[s]); s = board.next[s][optimal.policy[s]] }
            #expect(abs(TabularSegment(mdp: board, start: start, actions: actions).regret(optimal)) < 1e-9)
        }
    }

    @Test("gradients of the partial-return and regret losses match finite differences")
    func gradients() {
        let mdp = DeliveryBoard.knox.mdp()
        let teacher = TabularTeacher(statistic: .regret, mdp: mdp, weights: DeliveryBoard.trueWeights)
        let pairs = teacher.dataset(count: 40, seed: 3)
        let policies = RegretLinearModel.policySet(for: mdp, count: 12, seed: 4)
        // A warm temperature keeps the soft maximum smooth enough for finite differences; the formula is the same.
        let models: [any LinearPreferenceModel] = [PartialReturnLinearModel(), RegretLinearModel(mdp: mdp, policies: policies, temperature: 5)]
        var generator = SeededGenerator(seed: 6)
        for model in models {
            let w = (0..<6).map { _ in generator.uniform(-1, 1) }
            let analytic = linearPreferenceLoss(model, pairs, weights: w).gradient
            for j in 0..<6 {
                var up = w, down = w
                up[j] += 1e-5
                down[j] -= 1e-5
                let numeric = (linearPreferenceLoss(model, pairs, weights: up).loss - linearPreferenceLoss(model, pairs, weights: down).loss) / 2e-5
                #expect(abs(numeric - analytic[j]) < 1e-5 * max(1, abs(numeric)), "\(model.name) w[\(j)]: \(numeric) vs \(analytic[j])")
            }
        }
    }

    @Test("the regret learner recovers a near-optimal policy from noiseless regret labels on the delivery board")
    func regretLearnerRecoversReward() {
        let mdp = DeliveryBoard.knox.mdp()
        let scale = ScaledReturn(mdp: mdp, trueWeights: DeliveryBoard.trueWeights)
        #expect(abs(scale.of(DeliveryBoard.trueWeights) - 1) < 1e-12)
        let pairs = TabularTeacher(statistic: .regret, mdp: mdp, weights: DeliveryBoard.trueWeights).dataset(count: 300, seed: 11)
        var configuration = LinearRewardLearner.Configuration()
        configuration.iterations = 300
        let model = RegretLinearModel(mdp: mdp, policies: RegretLinearModel.policySet(for: mdp, count: 50, seed: 12))
        let fit = LinearRewardLearner(model: model, configuration: configuration).fit(pairs, featureCount: 6)
        #expect(scale.of(fit.weights) > ScaledReturn.nearOptimal, "\(fit.weights)")
    }

    @Test("teachers: ties count one half, stochastic labels follow σ of the score difference")
    func teachers() {
        let mdp = DeliveryBoard.knox.mdp()
        let segment = TabularSegment(mdp: mdp, start: mdp.startStates[0], actions: [1, 1, 1])
        var generator = SeededGenerator(seed: 1)
        for statistic in SegmentStatistic.allCases {
            let teacher = TabularTeacher(statistic: statistic, mdp: mdp, weights: DeliveryBoard.trueWeights)
            #expect(teacher.label(segment, segment, using: &generator) == 0.5)
            let noisy = TabularTeacher(statistic: statistic, stochastic: true, mdp: mdp, weights: DeliveryBoard.trueWeights)
            let share = (0..<2000).map { _ in noisy.label(segment, segment, using: &generator) }.reduce(0, +) / 2000
            #expect(abs(share - 0.5) < 0.05)
        }
    }
}

@Suite("which preference model explains a person")
struct PreferenceModelComparisonTests {
    @Test("cross-validation prefers the model that generated the labels")
    func modelThatGeneratedTheLabelsWins() {
        let mdp = DeliveryBoard.knox.mdp()
        var comparison = PreferenceModelComparison()
        comparison.learner.iterations = 300
        comparison.folds = 3
        let policies = RegretLinearModel.policySet(for: mdp, count: 60, seed: 2)
        for statistic in SegmentStatistic.allCases {
            let pairs = TabularTeacher(statistic: statistic, stochastic: true, mdp: mdp, weights: DeliveryBoard.trueWeights)
                .dataset(count: 200, seed: 21)
            let partial = comparison.crossValidatedLogLikelihood(PartialReturnLinearModel(), pairs, featureCount: 6)
            let regret = comparison.crossValidatedLogLikelihood(RegretLinearModel(mdp: mdp, policies: policies), pairs, featureCount: 6)
            #expect(statistic == .regret ? regret > partial : partial > regret, "\(statistic): partial \(partial), regret \(regret)")
        }
    }
}
