import NeuralNets

/// Running mean and variance (Chan et al.'s parallel update), as SB3's `RunningMeanStd`.
public struct RunningMeanStd: Codable, Equatable, Sendable {
    public private(set) var mean: [Double]
    public private(set) var variance: [Double]
    public private(set) var count: Double

    public init(size: Int) {
        mean = Array(repeating: 0, count: size)
        variance = Array(repeating: 1, count: size)
        count = 1e-4
    }

    public mutating func update(_ batch: [[Float]]) {
        guard !batch.isEmpty else { return }
        let n = Double(batch.count)
        var batchMean = [Double](repeating: 0, count: mean.count)
        for row in batch { for i in row.indices { batchMean[i] += Double(row[i]) } }
        for i in batchMean.indices { batchMean[i] /= n }
        var batchVariance = [Double](repeating: 0, count: mean.count)
        for row in batch { for i in row.indices { let d = Double(row[i]) - batchMean[i]; batchVariance[i] += d * d } }
        for i in batchVariance.indices { batchVariance[i] /= n }
        let total = count + n
        for i in mean.indices {
            let delta = batchMean[i] - mean[i]
            let m2 = variance[i] * count + batchVariance[i] * n + delta * delta * count * n / total
            mean[i] += delta * n / total
            variance[i] = m2 / total
        }
        count = total
    }

    /// (x − mean) / √(var + ε), clipped to ±clip (SB3's VecNormalize defaults: ε 1e-8, clip 10).
    public func normalize(_ x: [Float], clip: Float = 10) -> [Float] {
        var out = x
        for i in x.indices {
            let v = (Double(x[i]) - mean[i]) / (variance[i] + 1e-8).squareRoot()
            out[i] = Swift.min(Swift.max(Float(v), -clip), clip)
        }
        return out
    }

    /// Stored as tensors in checkpoints.
    func tensors(prefix: String) -> [String: Tensor] {
        [
            "\(prefix).mean": Tensor(mean.map(Float.init)),
            "\(prefix).variance": Tensor(variance.map(Float.init)),
            "\(prefix).count": Tensor(Float(count)),
        ]
    }

    init?(file: SafeTensorsFile, prefix: String) {
        guard let m = file["\(prefix).mean"], let v = file["\(prefix).variance"], let c = file["\(prefix).count"] else { return nil }
        mean = m.data.map(Double.init)
        variance = v.data.map(Double.init)
        count = Double(c.item)
    }
}
