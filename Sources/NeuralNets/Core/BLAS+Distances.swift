import Foundation

extension BLAS {
    /// Squared Euclidean distances between every row of `queries` [N, dimension] and every row of
    /// `references` [M, dimension], row-major [N, M], as ‖q‖² + ‖r‖² − 2 q·r with the products in one
    /// sgemm. Rounding can leave a distance slightly below 0; those are returned as 0.
    public static func squaredDistances(_ queries: [Float], _ references: [Float], dimension: Int) -> [Float] {
        precondition(dimension > 0 && queries.count % dimension == 0 && references.count % dimension == 0,
                     "squaredDistances needs rows of \(dimension) values; got \(queries.count) and \(references.count) values")
        let n = queries.count / dimension, m = references.count / dimension
        guard n > 0, m > 0 else { return [] }
        func squaredNorms(_ rows: [Float], _ count: Int) -> [Float] {
            (0..<count).map { i in
                var s: Float = 0
                for c in 0..<dimension { let v = rows[i * dimension + c]; s += v * v }
                return s
            }
        }
        let qNorms = squaredNorms(queries, n), rNorms = squaredNorms(references, m)
        var distances = [Float](repeating: 0, count: n * m)
        queries.withUnsafeBufferPointer { q in
            references.withUnsafeBufferPointer { r in
                distances.withUnsafeMutableBufferPointer { d in
                    gemm(transposeA: false, transposeB: true, m: n, n: m, k: dimension, alpha: -2,
                         a: q.baseAddress!, b: r.baseAddress!, beta: 0, c: d.baseAddress!)
                    for i in 0..<n {
                        for j in 0..<m { d[i * m + j] = Swift.max(0, d[i * m + j] + qNorms[i] + rNorms[j]) }
                    }
                }
            }
        }
        return distances
    }
}
