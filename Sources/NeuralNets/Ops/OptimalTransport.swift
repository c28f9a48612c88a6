import Foundation

/// Entropic optimal transport between two uniform distributions (Cuturi 2013), as RAPL's released code
/// solves it: the ddn `OptimalTransportLayer` (thomasrantian/mvp @ 3274577, ddn/pytorch/optimal_transport.py).
///
/// For a cost C [n, m], the plan P* = diag(u) K diag(v) with K = exp(−γ C) has row sums 1/n and column
/// sums 1/m. Each iteration scales the rows exactly, stops when every column sum is within `tolerance`
/// of 1/m, and otherwise scales the columns; so at exit the rows are exact and the columns within
/// tolerance. γ is the *inverse* entropic weight (larger γ: a sharper, less entropic plan).
public struct Sinkhorn: Sendable, Equatable, Codable {
    /// Inverse entropic regularisation (dimensionless; the cost's unit is 1/γ). RAPL uses 1.
    public var gamma: Double
    /// At most this many row-and-column scalings. RAPL uses 1,000.
    public var maxIterations: Int
    /// Stop when max_j |Σ_i P_ij − 1/m| ≤ tolerance. RAPL uses 1e-6.
    public var tolerance: Double

    public init(gamma: Double = 1, maxIterations: Int = 1000, tolerance: Double = 1e-6) {
        precondition(gamma > 0 && maxIterations > 0 && tolerance > 0, "Sinkhorn needs γ > 0, iterations > 0 and tolerance > 0")
        self.gamma = gamma
        self.maxIterations = maxIterations
        self.tolerance = tolerance
    }

    /// The plan for a row-major cost [n, m], in double precision, and the iterations it took.
    public func plan(cost: [Double], rows n: Int, columns m: Int) -> (plan: [Double], iterations: Int) {
        precondition(n > 0 && m > 0 && cost.count == n * m, "Sinkhorn needs an n × m cost with n, m > 0")
        // A constant shift of C changes neither P* nor its gradient; it keeps exp(−γC) from underflowing.
        let shift = cost.min()!
        let k = cost.map { Foundation.exp(-gamma * ($0 - shift)) }
        let a = 1 / Double(n), b = 1 / Double(m)
        var u = [Double](repeating: 1, count: n), v = [Double](repeating: 1, count: m)
        var columnSums = [Double](repeating: 0, count: m)
        var iterations = 0
        k.withUnsafeBufferPointer { k in
            u.withUnsafeMutableBufferPointer { u in
                v.withUnsafeMutableBufferPointer { v in
                    columnSums.withUnsafeMutableBufferPointer { columnSums in
                        while iterations < maxIterations {
                            iterations += 1
                            for i in 0..<n {  // rows: u = a / (K v)
                                var s = 0.0
                                let row = k.baseAddress! + i * m
                                for j in 0..<m { s += row[j] * v[j] }
                                u[i] = a / Swift.max(s, .leastNormalMagnitude)
                            }
                            for j in 0..<m { columnSums[j] = 0 }  // columns of diag(u) K: Kᵀ u
                            for i in 0..<n {
                                let ui = u[i]
                                let row = k.baseAddress! + i * m
                                for j in 0..<m { columnSums[j] += ui * row[j] }
                            }
                            var worst = 0.0
                            for j in 0..<m { worst = Swift.max(worst, Swift.abs(columnSums[j] * v[j] - b)) }
                            if worst <= tolerance { break }
                            for j in 0..<m { v[j] = b / Swift.max(columnSums[j], .leastNormalMagnitude) }
                        }
                    }
                }
            }
        }
        var plan = k
        for i in 0..<n { for j in 0..<m { plan[i * m + j] *= u[i] * v[j] } }
        return (plan, iterations)
    }

    /// dL/dC for the plan P of cost C, given dL/dP, by implicit differentiation of the optimality
    /// conditions (the released code's default; Amos & Kolter's "block" elimination).
    ///
    /// With P_ij = exp(γ(f_i + g_j − C_ij)) and the marginals held fixed, the potentials' change solves
    /// [[diag(a), P], [Pᵀ, diag(b)]] [df; dg] = [Σ_j P_ij dC_ij; Σ_i P_ij dC_ij], which gives
    /// dL/dC_ij = γ P_ij (α_i + β_j − G_ij) where [α; β] solves the same system with the right side
    /// [Σ_j G_ij P_ij; Σ_i G_ij P_ij]. The system is singular along (1, −1); β_m = 0 fixes it, and
    /// the Schur complement diag(b) − Pᵀ diag(1/a) P is solved by Cholesky.
    public func costGradient(plan p: [Double], upstream g: [Double], rows n: Int, columns m: Int) -> [Double] {
        var a = [Double](repeating: 0, count: n), b = [Double](repeating: 0, count: m)
        var sr = [Double](repeating: 0, count: n), sc = [Double](repeating: 0, count: m)
        for i in 0..<n {
            for j in 0..<m {
                let pij = p[i * m + j], gp = pij * g[i * m + j]
                a[i] += pij; b[j] += pij
                sr[i] += gp; sc[j] += gp
            }
        }
        var beta = [Double](repeating: 0, count: m)
        let free = m - 1
        if free > 0 {
            // S = diag(b) − Pᵀ diag(1/a) P and rhs = s_c − Pᵀ (s_r / a), over the first m − 1 columns.
            var s = [Double](repeating: 0, count: free * free)
            var rhs = [Double](repeating: 0, count: free)
            for j in 0..<free {
                s[j * free + j] = b[j]
                rhs[j] = sc[j]
            }
            for i in 0..<n {
                let inverse = 1 / a[i], scaled = sr[i] * inverse
                for j in 0..<free {
                    let pij = p[i * m + j]
                    rhs[j] -= pij * scaled
                    let w = pij * inverse
                    if w == 0 { continue }
                    for l in 0...j { s[j * free + l] -= w * p[i * m + l] }
                }
            }
            beta.replaceSubrange(0..<free, with: Self.solveSymmetric(s, rhs, size: free))
        }
        var alpha = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var pb = 0.0
            for j in 0..<m { pb += p[i * m + j] * beta[j] }
            alpha[i] = (sr[i] - pb) / a[i]
        }
        var gradient = [Double](repeating: 0, count: n * m)
        for i in 0..<n {
            for j in 0..<m {
                gradient[i * m + j] = gamma * p[i * m + j] * (alpha[i] + beta[j] - g[i * m + j])
            }
        }
        return gradient
    }

    /// Solves S x = r for a symmetric positive-definite S given by its lower triangle (row-major, size²),
    /// by Cholesky; a tiny diagonal jitter guards against round-off on nearly singular systems.
    static func solveSymmetric(_ s: [Double], _ r: [Double], size: Int) -> [Double] {
        var l = [Double](repeating: 0, count: size * size)
        var scale = 0.0
        for j in 0..<size { scale = Swift.max(scale, s[j * size + j]) }
        let jitter = 1e-12 * Swift.max(scale, 1e-300)
        for j in 0..<size {
            for i in j..<size {
                var sum = (i == j ? s[i * size + j] + jitter : s[i * size + j])
                for k in 0..<j { sum -= l[i * size + k] * l[j * size + k] }
                if i == j {
                    l[j * size + j] = Swift.max(sum, jitter).squareRoot()
                } else {
                    l[i * size + j] = sum / l[j * size + j]
                }
            }
        }
        var y = r
        for i in 0..<size {
            for k in 0..<i { y[i] -= l[i * size + k] * y[k] }
            y[i] /= l[i * size + i]
        }
        for i in stride(from: size - 1, through: 0, by: -1) {
            for k in (i + 1)..<size { y[i] -= l[k * size + i] * y[k] }
            y[i] /= l[i * size + i]
        }
        return y
    }
}

extension Tensor {
    /// The entropic optimal-transport plan P* [n, m] for a cost [n, m] with uniform marginals (see
    /// `Sinkhorn`). Solved in double precision without recording the iterations; its gradient comes from
    /// implicit differentiation (`Sinkhorn.costGradient`).
    public func sinkhornPlan(_ sinkhorn: Sinkhorn = Sinkhorn()) -> Tensor {
        precondition(rank == 2, "sinkhornPlan needs a cost [n, m], got \(shape)")
        let (n, m) = (shape[0], shape[1])
        let plan = sinkhorn.plan(cost: data.map(Double.init), rows: n, columns: m).plan
        let cost = self
        return Tensor(shape: [n, m], data: plan.map(Float.init), parents: [self]) { result in
            let gradient = sinkhorn.costGradient(plan: plan, upstream: result.grad!.map(Double.init), rows: n, columns: m)
            cost.accumulate(gradient.map(Float.init))
        }
    }

    /// Row-wise cosine distances 1 − cos(a_i, b_j) between a [n, d] and b [m, d], giving [n, m].
    public static func cosineDistances(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.rank == 2 && b.rank == 2 && a.shape[1] == b.shape[1], "cosineDistances needs [n, d] and [m, d]; got \(a.shape) and \(b.shape)")
        func normalised(_ x: Tensor) -> Tensor { x / ((x * x).sum(axis: 1, keepingDimension: true) + 1e-12).sqrt() }
        return 1 - normalised(a).matmul(normalised(b).transposed())
    }
}
