import Foundation

/// Weight initialisers. Each fills a [fanOut, fanIn, …] weight from a seeded generator.
public enum Initializer: Sendable, Equatable {
    /// Orthogonal rows (or columns) scaled by `gain` (Saxe et al. 2014), as PPO implementations use.
    case orthogonal(gain: Float)
    /// Xavier/Glorot uniform: U(±gain·√(6 / (fanIn + fanOut))).
    case xavierUniform(gain: Float)
    /// Kaiming/He normal: N(0, gain² / fanIn).
    case kaimingNormal(gain: Float)
    /// PyTorch's default for Linear and Conv: U(±1/√fanIn).
    case pytorchDefault

    /// Values for a weight of `shape`, whose first dimension is fanOut and the rest fanIn.
    public func values<G: RandomNumberGenerator>(shape: [Int], using generator: inout G) -> [Float] {
        let fanOut = shape[0]
        let fanIn = shape.dropFirst().reduce(1, *)
        let n = fanOut * fanIn
        switch self {
        case .orthogonal(let gain):
            return Self.orthogonal(rows: fanOut, columns: fanIn, using: &generator).map { $0 * gain }
        case .xavierUniform(let gain):
            let bound = gain * (6 / Float(fanIn + fanOut)).squareRoot()
            return (0..<n).map { _ in Float.random(in: -bound...bound, using: &generator) }
        case .kaimingNormal(let gain):
            let std = gain / Float(fanIn).squareRoot()
            return (0..<n).map { _ in Float(normalSample(using: &generator)) * std }
        case .pytorchDefault:
            let bound = 1 / Float(fanIn).squareRoot()
            return (0..<n).map { _ in Float.random(in: -bound...bound, using: &generator) }
        }
    }

    /// A rows × columns matrix with orthonormal rows (rows ≤ columns) or columns (rows > columns),
    /// by modified Gram–Schmidt on a Gaussian matrix.
    static func orthogonal<G: RandomNumberGenerator>(rows: Int, columns: Int, using generator: inout G) -> [Float] {
        let transpose = rows > columns
        let (r, c) = transpose ? (columns, rows) : (rows, columns)
        var m = (0..<(r * c)).map { _ in normalSample(using: &generator) }
        m.withUnsafeMutableBufferPointer { buffer in
            let m = buffer.baseAddress!
            for i in 0..<r {
                let row = m + i * c
                for j in 0..<i {
                    let other = m + j * c
                    var dot = 0.0
                    for k in 0..<c { dot += row[k] * other[k] }
                    for k in 0..<c { row[k] -= dot * other[k] }
                }
                var norm = 0.0
                for k in 0..<c { norm += row[k] * row[k] }
                norm = norm.squareRoot()
                for k in 0..<c { row[k] /= Swift.max(norm, 1e-12) }
            }
        }
        if !transpose { return m.map(Float.init) }
        var out = [Float](repeating: 0, count: rows * columns)
        for i in 0..<r { for k in 0..<c { out[k * columns + i] = Float(m[i * c + k]) } }
        return out
    }
}
