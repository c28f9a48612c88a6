import Testing
import TestSupport
@testable import NeuralNets

@Suite("Sinkhorn optimal transport")
struct OptimalTransportTests {
    @Test("the plan's rows are exact and its columns within the tolerance", arguments: [(4, 7, 1.0), (9, 5, 1.0), (6, 6, 20.0)])
    func marginals(rows: Int, columns: Int, gamma: Double) {
        var g = TestGenerator(seed: UInt64(rows * 100 + columns))
        let cost = Tensor.uniform([rows, columns], low: 0, high: 2, using: &g)
        let sinkhorn = Sinkhorn(gamma: gamma)
        let (plan, iterations) = sinkhorn.plan(cost: cost.data.map(Double.init), rows: rows, columns: columns)
        #expect(iterations < sinkhorn.maxIterations)
        for i in 0..<rows {
            let sum = (0..<columns).reduce(0.0) { $0 + plan[i * columns + $1] }
            #expect(abs(sum - 1 / Double(rows)) < 1e-12)
        }
        for j in 0..<columns {
            let sum = (0..<rows).reduce(0.0) { $0 + plan[$1 * columns + j] }
            #expect(abs(sum - 1 / Double(columns)) <= 1e-6)
        }
        #expect(plan.allSatisfy { $0 > 0 })
    }

    @Test("a sharp plan (large γ) on a permuted identity cost is the permutation")
    func sharpPlan() {
        let n = 5, permutation = [2, 0, 4, 1, 3]
        var cost = [Double](repeating: 1, count: n * n)
        for i in 0..<n { cost[i * n + permutation[i]] = 0 }
        let plan = Sinkhorn(gamma: 50).plan(cost: cost, rows: n, columns: n).plan
        for i in 0..<n { #expect(abs(plan[i * n + permutation[i]] - 0.2) < 1e-6) }
    }

    @Test("the implicit gradient through P* matches finite differences", arguments: [1.0, 5.0])
    func gradient(gamma: Double) {
        var g = TestGenerator(seed: 3)
        let cost = variable([4, 6], &g, low: 0, high: 2)
        let scale = Float(4 * 6)
        // P* alone, through a random projection, and the transport cost Σ P*⊙C (gradient through both).
        expectGradientsMatch([cost], epsilon: 1e-2, tolerance: 2e-2) { project(cost.sinkhornPlan(Sinkhorn(gamma: gamma))) * scale }
        expectGradientsMatch([cost], epsilon: 1e-2, tolerance: 2e-2) { (cost.sinkhornPlan(Sinkhorn(gamma: gamma)) * cost).sum() * scale }
    }

    @Test("cosine distances are 0 for parallel rows, 1 for orthogonal ones, and differentiate")
    func cosine() {
        let a = Tensor(rows: [[1, 0], [0, 2]]), b = Tensor(rows: [[3, 0], [1, 1]])
        let d = Tensor.cosineDistances(a, b)
        let expected: [Float] = [0, 1 - 1 / Float(2).squareRoot(), 1, 1 - 1 / Float(2).squareRoot()]
        #expect(zip(d.data, expected).allSatisfy { abs($0 - $1) < 1e-5 }, "\(d.data)")
        var g = TestGenerator(seed: 4)
        let x = variable([3, 4], &g), y = variable([5, 4], &g)
        expectGradientsMatch([x, y]) { project(Tensor.cosineDistances(x, y)) }
    }
}
