import Foundation
import SandboxCore
import Rendering
import PhysicsEnvs

/// An emitter proposes candidate solutions from an archive and learns from how they fared (pyribs'
/// emitter role in the ask/tell loop).
public protocol Emitter: AnyObject {
    /// Candidates to evaluate next.
    func ask() -> [[Float]]
    /// What happened to the last `ask`'s candidates.
    func tell(solutions: [[Float]], objectives: [Double], measures: [[Double]], results: [(status: AdditionStatus, improvement: Double)])
}

/// Shared by the emitters: the archive, a seeded generator, and bounds on solution values.
public struct EmitterSettings {
    public var batchSize: Int
    public var initialSolution: [Float]
    /// Each value is clipped into these bounds (nil: unbounded).
    public var bounds: ClosedRange<Float>?
    public init(batchSize: Int, initialSolution: [Float], bounds: ClosedRange<Float>? = nil) {
        self.batchSize = batchSize
        self.initialSolution = initialSolution
        self.bounds = bounds
    }
}

func gaussian(_ generator: inout SeededGenerator) -> Float { Float(generator.normal()) }

/// MAP-Elites' mutation (Mouret & Clune 2015): a uniformly chosen elite plus Gaussian noise σ;
/// while the archive is empty, the initial solution plus noise.
public final class GaussianEmitter: Emitter {
    public let archive: any Archive
    public let settings: EmitterSettings
    public let sigma: Float
    private var generator: SeededGenerator

    public init(archive: any Archive, sigma: Float, settings: EmitterSettings, seed: UInt64) {
        self.archive = archive
        self.sigma = sigma
        self.settings = settings
        generator = SeededGenerator(seed: seed)
    }

    public func ask() -> [[Float]] {
        (0..<settings.batchSize).map { _ in
            let parent = archive.randomElite(using: &generator)?.solution ?? settings.initialSolution
            return parent.map { clip($0 + sigma * gaussian(&generator), settings.bounds) }
        }
    }

    public func tell(solutions: [[Float]], objectives: [Double], measures: [[Double]], results: [(status: AdditionStatus, improvement: Double)]) {}
}

/// The iso-line operator (Vassiliades & Mouret 2018): x = a + σ₁·N(0, I) + σ₂·N(0, 1)·(b − a) for two
/// elites a and b, spreading along the line between good solutions.
public final class IsoLineEmitter: Emitter {
    public let archive: any Archive
    public let settings: EmitterSettings
    public let isoSigma: Float
    public let lineSigma: Float
    private var generator: SeededGenerator

    public init(archive: any Archive, isoSigma: Float = 0.01, lineSigma: Float = 0.2, settings: EmitterSettings, seed: UInt64) {
        self.archive = archive
        self.isoSigma = isoSigma
        self.lineSigma = lineSigma
        self.settings = settings
        generator = SeededGenerator(seed: seed)
    }

    public func ask() -> [[Float]] {
        (0..<settings.batchSize).map { _ in
            guard let a = archive.randomElite(using: &generator)?.solution, let b = archive.randomElite(using: &generator)?.solution else {
                return settings.initialSolution.map { clip($0 + isoSigma * gaussian(&generator), settings.bounds) }
            }
            let line = lineSigma * gaussian(&generator)
            return (0..<a.count).map { i in clip(a[i] + isoSigma * gaussian(&generator) + line * (b[i] - a[i]), settings.bounds) }
        }
    }

    public func tell(solutions: [[Float]], objectives: [Double], measures: [[Double]], results: [(status: AdditionStatus, improvement: Double)]) {}
}

func clip(_ value: Float, _ bounds: ClosedRange<Float>?) -> Float {
    guard let bounds else { return value }
    return Swift.min(Swift.max(value, bounds.lowerBound), bounds.upperBound)
}
