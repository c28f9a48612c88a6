import Foundation
import NeuralNets
import SandboxCore
import Rendering
import PhysicsEnvs

/// AURORA's unsupervised measures (Cully 2019; the autoencoder baseline of QDHF): an autoencoder on
/// the behaviour features f(x), whose 2-d bottleneck is the measure space.
///
/// Encoder f → 64 (tanh) → 2, decoder 2 → 64 (tanh) → f; mean squared reconstruction error; Adam
/// 1e-3, batches of 32, `epochs` passes over the sample.
public final class FeatureAutoencoder: ParameterContainer {
    public struct Configuration: Codable, Sendable {
        public var featureSize: Int
        public var measureSize = 2
        public var hiddenSize = 64
        public var learningRate: Float = 1e-3
        public var batchSize = 32
        public var epochs = 100
        public init(featureSize: Int) { self.featureSize = featureSize }
    }

    public let configuration: Configuration
    public private(set) var encoder: MLP
    public private(set) var decoder: MLP

    public init(_ configuration: Configuration, seed: UInt64) {
        self.configuration = configuration
        var generator = SeededGenerator(seed: seed)
        encoder = MLP(.init(inputSize: configuration.featureSize, hiddenSizes: [configuration.hiddenSize],
                            outputSize: configuration.measureSize, activation: .tanh), using: &generator)
        decoder = MLP(.init(inputSize: configuration.measureSize, hiddenSizes: [configuration.hiddenSize],
                            outputSize: configuration.featureSize, activation: .tanh), using: &generator)
    }

    public var namedParameters: [(name: String, tensor: Tensor)] {
        encoder.namedParameters.map { ("encoder.\($0.name)", $0.tensor) } + decoder.namedParameters.map { ("decoder.\($0.name)", $0.tensor) }
    }

    private func batch(_ rows: [[Float]]) -> Tensor {
        Tensor(shape: [rows.count, configuration.featureSize], data: rows.flatMap { $0 })
    }

    /// Measures (bottleneck codes) of feature vectors.
    public func measures(_ features: [[Float]]) -> [[Double]] {
        guard !features.isEmpty else { return [] }
        let z = encoder(batch(features))
        let m = configuration.measureSize
        return (0..<features.count).map { i in (0..<m).map { Double(z.data[i * m + $0]) } }
    }

    /// Mean squared reconstruction error of `features`.
    public func reconstructionError(_ features: [[Float]]) -> Double {
        let x = batch(features)
        return Double((decoder(encoder(x)) - x).square().mean().data[0])
    }

    /// Trains on `features`; returns the final reconstruction error.
    @discardableResult
    public func fit(_ features: [[Float]], seed: UInt64) -> Double {
        guard !features.isEmpty else { return .nan }
        var generator = SeededGenerator(seed: seed)
        let adam = Adam(parameters: parameters, configuration: .init(learningRate: configuration.learningRate))
        var order = Array(features.indices)
        for _ in 0..<configuration.epochs {
            order.shuffle(using: &generator)
            var start = 0
            while start < order.count {
                let x = batch(order[start..<Swift.min(start + configuration.batchSize, order.count)].map { features[$0] })
                start += configuration.batchSize
                let loss = (decoder(encoder(x)) - x).square().mean()
                adam.zeroGrad()
                loss.backward()
                adam.step()
            }
        }
        return reconstructionError(features)
    }
}
