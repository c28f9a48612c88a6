import Foundation
import Testing
import TestSupport
import NeuralNets
import SandboxCore
import PhysicsEnvs
@testable import QDHF

@Suite("QDHF descriptor projection")
struct DescriptorProjectionTests {
    @Test("the hinge loss passes a gradient check")
    func hingeGradient() {
        var g = SeededGenerator(seed: 1)
        let r = Tensor.uniform([5, 2], low: -1, high: 1, using: &g).variable()
        let a = Tensor.uniform([5, 2], low: -1, high: 1, using: &g).variable()
        let b = Tensor.uniform([5, 2], low: -1, high: 1, using: &g).variable()
        let labels = [true, false, true, true, false]
        func loss() -> Tensor { tripletHingeLoss(reference: r, first: a, second: b, firstIsCloser: labels, margin: 0.3) }
        loss().backward()
        let epsilon: Float = 1e-3
        for input in [r, a, b] {
            for i in 0..<input.count {
                let original = input.data[i]
                input.updateData { $0[i] = original + epsilon }
                let plus = loss().item
                input.updateData { $0[i] = original - epsilon }
                let minus = loss().item
                input.updateData { $0[i] = original }
                #expect(abs((plus - minus) / (2 * epsilon) - input.grad![i]) < 2e-2)
            }
        }
        // A triplet already separated by more than the margin costs nothing.
        let zero = tripletHingeLoss(reference: Tensor(rows: [[0, 0]]), first: Tensor(rows: [[0.1, 0]]), second: Tensor(rows: [[2, 0]]),
                                    firstIsCloser: [true])
        #expect(zero.item == 0)
    }

    @Test("the projection recovers a known 2-d embedding from noiseless triplets")
    func recoversEmbedding() {
        // Features are 6-d; the true measure is a fixed linear map to 2-d; the judge compares true distances.
        var g = SeededGenerator(seed: 2)
        let truth: [[Float]] = [[1, 0, 0.5, 0, 0, -0.5], [0, 1, 0, -0.5, 0.5, 0]]
        func embed(_ f: [Float]) -> [Float] { truth.map { row in zip(row, f).map(*).reduce(0, +) } }
        func randomFeatures() -> [Float] { (0..<6).map { _ in Float.random(in: -1...1, using: &g) } }
        var triplets: [Triplet] = []
        for _ in 0..<400 {
            let r = randomFeatures(), a = randomFeatures(), b = randomFeatures()
            let (er, ea, eb) = (embed(r), embed(a), embed(b))
            let d1 = zip(er, ea).map { ($0 - $1) * ($0 - $1) }.reduce(0, +), d2 = zip(er, eb).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
            triplets.append(Triplet(reference: r, first: a, second: b, firstIsCloser: d1 < d2))
        }
        let projection = DescriptorProjection(.init(featureSize: 6), seed: 3)
        let validation = projection.fit(triplets, seed: 4)
        #expect(validation > 0.9, "validation accuracy \(validation)")
        // Distances in the learned space preserve the order of true distances on fresh points.
        var agree = 0
        for _ in 0..<200 {
            let r = randomFeatures(), a = randomFeatures(), b = randomFeatures()
            let truthCloser = zip(embed(r), embed(a)).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
                < zip(embed(r), embed(b)).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
            let z = projection.measures([r, a, b])
            let learnedCloser = zip(z[0], z[1]).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) < zip(z[0], z[2]).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
            if truthCloser == learnedCloser { agree += 1 }
        }
        #expect(agree > 180, "\(agree)/200 fresh triplets ordered as the truth")
    }
}

@Suite("QDHF on the arm")
struct ArmExperimentTests {
    @Test("a short QDHF run learns measures from judgments on its schedule and reports ground-truth metrics")
    func shortRun() throws {
        var configuration = QDHFExperiment.Configuration()
        configuration.iterations = 40
        configuration.batchSize = 36
        configuration.judgments = 200
        let experiment = QDHFExperiment(domain: ArmDomain(), configuration: configuration, seed: 1)
        #expect(experiment.fitIterations == [0, 4, 10, 20])
        while experiment.iteration < 40 { try experiment.step() }
        let m = experiment.metrics
        #expect(m["qdhf/judgments"] == 200)
        #expect(m["qdhf/validation_accuracy"]! > 0.7)
        #expect(m["qd/archive_coverage"]! > 0.05 && m["qd/all_coverage"]! >= m["qd/archive_coverage"]!)
        #expect(m["qd/archive_qd_score"]! <= m["qd/all_qd_score"]! + 1e-9)
    }

    @Test("PCA finds the main direction of spread")
    func pca() {
        var g = SeededGenerator(seed: 2)
        let samples: [[Float]] = (0..<500).map { _ in
            let t = Float(g.uniform(-3, 3))
            return [t, 2 * t + Float(g.uniform(-0.01, 0.01)), Float(g.uniform(-0.1, 0.1))]
        }
        let p = PrincipalComponents(samples, components: 2)
        let first = p.components[0]
        let expected = [1 / 5.0.squareRoot(), 2 / 5.0.squareRoot(), 0]
        let dot = abs(zip(first, expected).map(*).reduce(0, +))
        #expect(dot > 0.999)
    }
}
