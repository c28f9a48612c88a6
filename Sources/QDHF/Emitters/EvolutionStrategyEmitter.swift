import Foundation
import SandboxCore
import Rendering
import PhysicsEnvs

/// CMA-ME's improvement emitter (Fontaine et al. 2020) over a separable CMA-ES (Ros & Hansen 2008:
/// diagonal covariance, so sampling needs no eigendecomposition). Candidates are ranked by archive
/// improvement — solutions that found new cells first, then those that improved a cell, each by the
/// size of their improvement — and the search distribution moves towards the best µ. When no
/// candidate was added, the emitter restarts from a random elite.
public final class EvolutionStrategyEmitter: Emitter {
    public let archive: any Archive
    public let settings: EmitterSettings
    public let initialSigma: Float
    private let dimension: Int
    private let mu: Int
    private let weights: [Double]
    private let muEffective: Double
    // Strategy parameters (Hansen's defaults, with sep-CMA's faster covariance learning).
    private let cSigma: Double, dSigma: Double, cc: Double, c1: Double, cMu: Double, chiN: Double
    private var mean: [Double]
    private var sigma: Double
    private var variances: [Double]  // diagonal of C
    private var pathSigma: [Double]
    private var pathC: [Double]
    private var lastNoise: [[Double]] = []
    private var generator: SeededGenerator
    public private(set) var restarts = 0

    public init(archive: any Archive, sigma: Float, settings: EmitterSettings, seed: UInt64) {
        self.archive = archive
        self.settings = settings
        initialSigma = sigma
        let n = settings.initialSolution.count
        dimension = n
        let lambda = settings.batchSize
        let mu = Swift.max(lambda / 2, 1)
        self.mu = mu
        let raw = (0..<mu).map { log(Double(mu) + 0.5) - log(Double($0 + 1)) }
        let total = raw.reduce(0, +)
        let weights = raw.map { $0 / total }
        self.weights = weights
        let muEffective = 1 / weights.map { $0 * $0 }.reduce(0, +)
        self.muEffective = muEffective
        let d = Double(n)
        cSigma = (muEffective + 2) / (d + muEffective + 5)
        dSigma = 1 + 2 * Swift.max(0, ((muEffective - 1) / (d + 1)).squareRoot() - 1) + cSigma
        cc = (4 + muEffective / d) / (d + 4 + 2 * muEffective / d)
        c1 = 2 / ((d + 1.3) * (d + 1.3) + muEffective) * (d + 2) / 3  // sep-CMA's (n + 2)/3 speed-up
        cMu = Swift.min(1 - c1, 2 * (muEffective - 2 + 1 / muEffective) / ((d + 2) * (d + 2) + muEffective) * (d + 2) / 3)
        chiN = d.squareRoot() * (1 - 1 / (4 * d) + 1 / (21 * d * d))
        mean = settings.initialSolution.map(Double.init)
        self.sigma = Double(sigma)
        variances = Array(repeating: 1, count: n)
        pathSigma = Array(repeating: 0, count: n)
        pathC = Array(repeating: 0, count: n)
        generator = SeededGenerator(seed: seed)
    }

    private func normal() -> Double { generator.normal() }

    public func ask() -> [[Float]] {
        lastNoise = (0..<settings.batchSize).map { _ in (0..<dimension).map { _ in normal() } }
        return lastNoise.map { z in
            (0..<dimension).map { i in clip(Float(mean[i] + sigma * variances[i].squareRoot() * z[i]), settings.bounds) }
        }
    }

    public func tell(solutions: [[Float]], objectives: [Double], measures: [[Double]], results: [(status: AdditionStatus, improvement: Double)]) {
        guard results.count == lastNoise.count, !results.isEmpty else { return }
        if results.allSatisfy({ $0.status == .notAdded }) {
            restart()
            return
        }
        // Improvement ranking: by status (new before improved before not added), then by improvement.
        let order = results.indices.sorted { a, b in
            let (ra, rb) = (results[a], results[b])
            return ra.status.rawValue != rb.status.rawValue ? ra.status.rawValue > rb.status.rawValue : ra.improvement > rb.improvement
        }
        let selected = order.prefix(mu)
        // Work in the sampled steps y = (x − m)/σ of the clipped solutions actually evaluated.
        let steps = selected.map { k in (0..<dimension).map { (Double(solutions[k][$0]) - mean[$0]) / sigma } }
        var meanStep = Array(repeating: 0.0, count: dimension)
        for (w, y) in zip(weights, steps) { for i in 0..<dimension { meanStep[i] += w * y[i] } }
        for i in 0..<dimension { mean[i] += sigma * meanStep[i] }
        // Paths and step size.
        let normalization = (cSigma * (2 - cSigma) * muEffective).squareRoot()
        for i in 0..<dimension { pathSigma[i] = (1 - cSigma) * pathSigma[i] + normalization * meanStep[i] / variances[i].squareRoot() }
        let pathLength = pathSigma.map { $0 * $0 }.reduce(0, +).squareRoot()
        sigma *= exp((cSigma / dSigma) * (pathLength / chiN - 1))
        let ccNormalization = (cc * (2 - cc) * muEffective).squareRoot()
        for i in 0..<dimension { pathC[i] = (1 - cc) * pathC[i] + ccNormalization * meanStep[i] }
        for i in 0..<dimension {
            var rankMu = 0.0
            for (w, y) in zip(weights, steps) { rankMu += w * y[i] * y[i] }
            variances[i] = Swift.max((1 - c1 - cMu) * variances[i] + c1 * pathC[i] * pathC[i] + cMu * rankMu, 1e-12)
        }
        if !sigma.isFinite || sigma < 1e-12 || sigma > 1e6 { restart() }
    }

    /// Restarts from a random elite (or the initial solution) with the initial step size.
    func restart() {
        restarts += 1
        mean = (archive.randomElite(using: &generator)?.solution ?? settings.initialSolution).map(Double.init)
        sigma = Double(initialSigma)
        variances = Array(repeating: 1, count: dimension)
        pathSigma = Array(repeating: 0, count: dimension)
        pathC = Array(repeating: 0, count: dimension)
    }
}
