import Foundation
import SandboxCore

/// A simulated teacher as in B-Pref (Lee et al. 2021, "B-Pref: Benchmarking Preference-Based
/// Reinforcement Learning"): it compares two segments by their (possibly discounted) true returns and
/// may be irrational, skip, call them equal, or make mistakes. Seeded and deterministic.
public struct SimulatedTeacher: Sendable {
    public struct Configuration: Codable, Equatable, Sendable {
        /// Boltzmann rationality β: P(second) = σ(β·(R₂ − R₁)); nil is the exact (perfectly rational) teacher.
        public var beta: Double?
        /// Myopia γ: step t of a length-L segment weighs γ^(L−1−t), so recent steps count more (1: none).
        public var gamma: Double = 1
        /// Probability of flipping a first/second answer.
        public var mistakeRate: Double = 0
        /// Skip when both returns are below this fraction of the segment-return range above its minimum.
        public var skipFraction: Double?
        /// Answer equal when the returns differ by less than this fraction of the segment-return range.
        public var equalFraction: Double?

        public init(beta: Double? = nil, gamma: Double = 1, mistakeRate: Double = 0, skipFraction: Double? = nil, equalFraction: Double? = nil) {
            self.beta = beta
            self.gamma = gamma
            self.mistakeRate = mistakeRate
            self.skipFraction = skipFraction
            self.equalFraction = equalFraction
        }
    }

    /// B-Pref's teachers by name, with its default parameters (β 1, γ 0.9, ε 0.1, skip and equal 0.1).
    public static func preset(_ name: String) throws -> Configuration {
        switch name {
        case "oracle": return Configuration()
        case "noisy": return Configuration(beta: 1)
        case "myopic": return Configuration(gamma: 0.9)
        case "skip": return Configuration(skipFraction: 0.1)
        case "equal": return Configuration(equalFraction: 0.1)
        case "mistake": return Configuration(mistakeRate: 0.1)
        default:
            throw TeacherError.unknown(name)
        }
    }

    public static let presetNames = ["oracle", "noisy", "myopic", "skip", "equal", "mistake"]

    public let configuration: Configuration
    private var generator: SeededGenerator

    public init(_ configuration: Configuration, seed: UInt64) {
        self.configuration = configuration
        generator = SeededGenerator(seed: seed)
    }

    /// The segment's return as this teacher sees it (discounted towards its end when myopic).
    public func perceivedReturn(_ rewards: [Double]) -> Double {
        let n = rewards.count
        return rewards.enumerated().reduce(0) { $0 + $1.element * pow(configuration.gamma, Double(n - 1 - $1.offset)) }
    }

    /// Compares two segments' per-step true rewards. `returnRange` is (min, max) of segment returns seen
    /// so far, which scales the skip and equal thresholds (B-Pref scales them to the task's returns).
    public mutating func answer(first: [Double], second: [Double], returnRange: (min: Double, max: Double)) -> Answer {
        let r1 = perceivedReturn(first), r2 = perceivedReturn(second)
        let span = Swift.max(returnRange.max - returnRange.min, 1e-12)
        if let skip = configuration.skipFraction {
            let threshold = returnRange.min + skip * span
            if r1 < threshold && r2 < threshold { return .skip }
        }
        if let equal = configuration.equalFraction, abs(r1 - r2) < equal * span { return .equal }
        var prefersSecond: Bool
        if let beta = configuration.beta {
            let p = 1 / (1 + exp(-beta * (r2 - r1)))
            prefersSecond = generator.uniform(0, 1) < p
        } else {
            if r1 == r2 { return .equal }
            prefersSecond = r2 > r1
        }
        if configuration.mistakeRate > 0 && generator.uniform(0, 1) < configuration.mistakeRate { prefersSecond.toggle() }
        return prefersSecond ? .second : .first
    }
}

public enum TeacherError: Error, CustomStringConvertible {
    case unknown(String)
    case hierarchyInLoop(String)
    case emptyHierarchyPath
    public var description: String {
        switch self {
        case .emptyHierarchyPath:
            return "hierarchy: needs a file, e.g. --teacher hierarchy:ranking.json (make one with sandbox label --ranking --task ID --out ranking.json)"
        case .hierarchyInLoop(let name):
            return "a preference loop asks a simulated teacher or people, not '\(name)'; a hierarchy answers stored queries: sandbox queries answer --teacher \(name)"
        case .unknown(let name): return "unknown teacher '\(name)'; use one of \(SimulatedTeacher.presetNames.joined(separator: ", ")), hierarchy:FILE.json (queries answer), regret:EXPERT (an expert's run folder or policy file) or human (pbrl)"
        }
    }
}

extension TeacherError: UsageErrorClassifying {
    public var isUsageError: Bool { true }
}
