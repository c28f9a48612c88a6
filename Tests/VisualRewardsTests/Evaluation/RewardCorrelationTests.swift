import Testing
@testable import VisualRewards

@Suite("Reward correlations")
struct RewardCorrelationTests {
    @Test("a reward equal to −cost correlates perfectly within and across; its negation anti-correlates")
    func perfect() {
        let costs: [[Double]] = [[0, -1, -2, -3, -4, -5, -6, -7, -8, -9], [0, -2, -1, -3, -5, -4, -6, -8, -7, -12], [0, 1, 2, 3, 4, 5, 6, 7, 8, 10]]
        let good = RewardCorrelation.measure(method: "x", learned: costs.map { $0.map { -$0 } }, costs: costs, stride: 1)
        #expect(abs(good.withinMean - 1) < 1e-12 && good.rollouts == 3)
        let bad = RewardCorrelation.measure(method: "y", learned: costs, costs: costs, stride: 1)
        #expect(abs(bad.withinMean + 1) < 1e-12 && bad.across < 0)
    }

    @Test("the within-trajectory figure uses every stride-th step and skips constant series")
    func strideAndConstant() {
        let costs: [[Double]] = [[0, 9, -1, 9, -2, 9, -3], [1, 1, 1, 1, 1, 1, 1]]
        let learned: [[Double]] = [[0, 0, 1, 0, 2, 0, 3], [0, 1, 2, 3, 4, 5, 6]]
        let r = RewardCorrelation.measure(method: "z", learned: learned, costs: costs, stride: 2)
        #expect(abs(r.withinMean - 1) < 1e-12)  // steps 0, 2, 4, 6 only; the constant series is skipped
    }
}
