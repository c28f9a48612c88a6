import Foundation
import NeuralNets
import SandboxCore
import Rendering
import PhysicsEnvs

/// A similarity judgment: which of two solutions is more like a reference (QDHF's triplets).
public struct Triplet: Sendable {
    /// Feature vectors f(x) of the reference and the two candidates.
    public var reference: [Float]
    public var first: [Float]
    public var second: [Float]
    /// True when `first` is judged more like the reference.
    public var firstIsCloser: Bool

    public init(reference: [Float], first: [Float], second: [Float], firstIsCloser: Bool) {
        self.reference = reference
        self.first = first
        self.second = second
        self.firstIsCloser = firstIsCloser
    }
}

/// QDHF's hinge loss (Ding et al. 2024): mean of max(0, margin − y·(‖z_r − z_2‖² − ‖z_r − z_1‖²)) with
/// y = +1 when the first candidate is closer, so that the closer one is nearer by at least the margin.
/// (The issue writes it as y·(‖z_r − z₁‖² − ‖z_r − z₂‖²) with y = −1 for "first closer"; the two agree.)
public func tripletHingeLoss(reference: Tensor, first: Tensor, second: Tensor, firstIsCloser: [Bool], margin: Float = 0.05) -> Tensor {
    let d1 = (reference - first).square().sum(axis: 1)
    let d2 = (reference - second).square().sum(axis: 1)
    let y = Tensor(firstIsCloser.map { $0 ? 1 : -1 })
    return (margin - y * (d2 - d1)).relu().mean()
}

/// The learned descriptor z = W·f(x) + b (by default 2-d), fitted to triplets.
public final class DescriptorProjection: ParameterContainer {
    public struct Configuration: Codable, Sendable {
        public var featureSize: Int
        public var measureSize = 2
        /// Adam learning rate, batch size, hinge margin, validation split and early-stopping patience, as in QDHF.
        public var learningRate: Float = 1e-3
        public var batchSize = 32
        public var margin: Float = 0.05
        public var validationFraction = 0.25
        public var maximumEpochs = 200
        public var patience = 40
        public init(featureSize: Int, measureSize: Int = 2) {
            self.featureSize = featureSize
            self.measureSize = measureSize
        }
    }

    public let configuration: Configuration
    public private(set) var linear: Linear

    public init(_ configuration: Configuration, seed: UInt64) {
        self.configuration = configuration
        var generator = SeededGenerator(seed: seed)
        linear = Linear(configuration.featureSize, configuration.measureSize, using: &generator)
    }

    public var namedParameters: [(name: String, tensor: Tensor)] { linear.namedParameters }

    /// Re-initialises the weights (QDHF refits from scratch after each round).
    public func reinitialize(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        linear = Linear(configuration.featureSize, configuration.measureSize, using: &generator)
    }

    /// Measures of a batch of feature vectors.
    public func measures(_ features: [[Float]]) -> [[Double]] {
        guard !features.isEmpty else { return [] }
        let z = linear(Tensor(shape: [features.count, configuration.featureSize], data: features.flatMap { $0 }))
        let m = configuration.measureSize
        return (0..<features.count).map { i in (0..<m).map { Double(z.data[i * m + $0]) } }
    }

    /// Fraction of triplets whose closer candidate is nearer in z.
    public func accuracy(_ triplets: [Triplet]) -> Double {
        guard !triplets.isEmpty else { return .nan }
        let r = measures(triplets.map(\.reference)), a = measures(triplets.map(\.first)), b = measures(triplets.map(\.second))
        var correct = 0
        for i in triplets.indices {
            let d1 = zip(r[i], a[i]).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
            let d2 = zip(r[i], b[i]).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
            if (d1 < d2) == triplets[i].firstIsCloser { correct += 1 }
        }
        return Double(correct) / Double(triplets.count)
    }

    /// Fits on a 75/25 split with early stopping on validation accuracy (best weights kept).
    /// Returns the validation accuracy.
    @discardableResult
    public func fit(_ triplets: [Triplet], seed: UInt64) -> Double {
        let c = configuration
        var generator = SeededGenerator(seed: seed)
        var order = Array(triplets.indices)
        order.shuffle(using: &generator)
        let validationCount = triplets.count >= 8 ? Int(Double(triplets.count) * c.validationFraction) : 0
        let validation = order.prefix(validationCount).map { triplets[$0] }
        let training = order.dropFirst(validationCount).map { triplets[$0] }
        let adam = Adam(parameters: parameters, configuration: .init(learningRate: c.learningRate))
        var best = (accuracy: -1.0, weights: parameters.map(\.data))
        var sinceBest = 0
        for _ in 0..<c.maximumEpochs {
            var indices = Array(training.indices)
            indices.shuffle(using: &generator)
            var start = 0
            while start < indices.count {
                let batch = indices[start..<Swift.min(start + c.batchSize, indices.count)].map { training[$0] }
                start += c.batchSize
                func tensor(_ rows: [[Float]]) -> Tensor { Tensor(shape: [rows.count, c.featureSize], data: rows.flatMap { $0 }) }
                let loss = tripletHingeLoss(reference: linear(tensor(batch.map(\.reference))), first: linear(tensor(batch.map(\.first))),
                                            second: linear(tensor(batch.map(\.second))), firstIsCloser: batch.map(\.firstIsCloser), margin: c.margin)
                adam.zeroGrad()
                loss.backward()
                adam.step()
            }
            let score = accuracy(validation.isEmpty ? training : validation)
            if score > best.accuracy {
                best = (score, parameters.map(\.data))
                sinceBest = 0
            } else {
                sinceBest += 1
                if sinceBest >= c.patience { break }
            }
        }
        for (p, w) in zip(parameters, best.weights) { p.assign(w) }
        return best.accuracy
    }
}
