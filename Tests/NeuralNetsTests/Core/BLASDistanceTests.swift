import Testing
import TestSupport
@testable import NeuralNets

@Suite("BLAS squared distances")
struct BLASDistanceTests {
    @Test("squared distances from one sgemm match the direct sums, and are never negative")
    func matchesDirectSums() {
        var generator = TestGenerator(seed: 31)
        let dimension = 5, n = 7, m = 13
        let queries = (0..<(n * dimension)).map { _ in Float.random(in: -3...3, using: &generator) }
        var references = (0..<(m * dimension)).map { _ in Float.random(in: -3...3, using: &generator) }
        // A reference equal to a query: its distance must come out 0, not a rounding below it.
        for c in 0..<dimension { references[4 * dimension + c] = queries[2 * dimension + c] }
        let distances = BLAS.squaredDistances(queries, references, dimension: dimension)
        #expect(distances.count == n * m)
        for i in 0..<n {
            for j in 0..<m {
                var direct: Float = 0
                for c in 0..<dimension { let e = queries[i * dimension + c] - references[j * dimension + c]; direct += e * e }
                #expect(abs(distances[i * m + j] - direct) < 1e-3 * Swift.max(1, direct), "row \(i), reference \(j)")
            }
        }
        #expect(distances[2 * m + 4] >= 0 && distances[2 * m + 4] < 1e-4)
        #expect(distances.allSatisfy { $0 >= 0 })
        #expect(BLAS.squaredDistances([], references, dimension: dimension).isEmpty)
    }
}
