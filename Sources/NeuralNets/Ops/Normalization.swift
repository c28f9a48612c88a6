import Foundation

extension Tensor {
    /// Layer normalisation over the last dimension, with gain γ and bias β of that size.
    public static func layerNorm(_ x: Tensor, gain: Tensor?, bias: Tensor?, epsilon: Float = 1e-5) -> Tensor {
        let d = x.shape.last ?? 1
        let rows = x.count / Swift.max(d, 1)
        var normalized = [Float](repeating: 0, count: x.count)
        var inverseStd = [Float](repeating: 0, count: rows)
        x.data.withUnsafeBufferPointer { v in
            for r in 0..<rows {
                var mean: Float = 0
                for i in 0..<d { mean += v[r * d + i] }
                mean /= Float(d)
                var variance: Float = 0
                for i in 0..<d { let e = v[r * d + i] - mean; variance += e * e }
                variance /= Float(d)
                let s = 1 / (variance + epsilon).squareRoot()
                inverseStd[r] = s
                for i in 0..<d { normalized[r * d + i] = (v[r * d + i] - mean) * s }
            }
        }
        let xHat = Tensor(shape: x.shape, data: normalized, parents: [x]) { result in
            // d x = s/d · (d·g − Σg − x̂·Σ(g·x̂)) per row.
            let g = result.grad!
            x.withGradient { gx in
                for r in 0..<rows {
                    var sumG: Float = 0, sumGX: Float = 0
                    for i in 0..<d { sumG += g[r * d + i]; sumGX += g[r * d + i] * result.data[r * d + i] }
                    let s = inverseStd[r] / Float(d)
                    for i in 0..<d {
                        gx[r * d + i] += s * (Float(d) * g[r * d + i] - sumG - result.data[r * d + i] * sumGX)
                    }
                }
            }
        }
        var y = xHat
        if let gain { y = y * gain }
        if let bias { y = y + bias }
        return y
    }

    /// Inverted dropout: in training, zeroes each element with probability `rate` and scales the rest
    /// by 1/(1 − rate); otherwise returns the input.
    public func dropout<G: RandomNumberGenerator>(rate: Float, training: Bool, using generator: inout G) -> Tensor {
        precondition(rate >= 0 && rate < 1, "dropout rate must be in [0, 1), got \(rate)")
        guard training, rate > 0 else { return self }
        let keep = 1 - rate
        let mask = (0..<count).map { _ in Float.random(in: 0..<1, using: &generator) < keep ? 1 / keep : 0 }
        return self * Tensor(shape: shape, data: mask)
    }
}
