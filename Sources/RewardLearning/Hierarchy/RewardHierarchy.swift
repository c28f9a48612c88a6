import Foundation
import SandboxCore

/// A person's ranking of a task's reward terms for hierarchical feedback (HERON, Bukharin et al.,
/// arXiv 2309.02632): levels in order of importance. A level is one term or a group of terms summed
/// (`landing+crash`), with a sign (bigger is better, or smaller is better) and a margin δ. Two
/// behaviours are compared on the most important level first; when one exceeds the other there by more
/// than δ, that level decides, otherwise the next level is consulted; when no level decides, they tie.
///
/// The margin is absolute (in reward units), or σ times the level's standard deviation over the whole
/// buffer or over the minibatch being compared (the authors' classic-control and robotics code).
///
/// Written by `sandbox label --ranking` and `sandbox heron` as JSON, format 2:
/// `{"format": 2, "task": "LunarLanderContinuous-v1", "annotator": "alice",
///   "levels": [{"terms": ["landing", "crash"], "sign": 1, "margin": 1, "scope": "buffer"}, …]}`.
/// Format 1 files (`{"term": "landing", "margin": 1}` per level) read as single terms, bigger is
/// better, absolute margins.
public struct RewardHierarchy: Codable, Equatable, Sendable {
    /// What a level's margin is measured against.
    public enum MarginScope: String, Codable, Sendable, CaseIterable {
        /// δ is the margin itself, in reward units.
        case absolute
        /// δ = margin × the level's standard deviation over every transition (or segment) seen.
        case buffer
        /// δ = margin × the level's standard deviation within the minibatch compared.
        case batch
    }

    public struct Level: Codable, Equatable, Sendable {
        /// The terms whose values are summed into this level.
        public var terms: [String]
        /// +1: bigger is better; −1: smaller is better.
        public var sign: Int
        /// δ in reward units (`absolute`), or the multiplier σ of the level's standard deviation.
        public var margin: Double
        public var scope: MarginScope

        public init(terms: [String], sign: Int = 1, margin: Double, scope: MarginScope = .absolute) {
            self.terms = terms
            self.sign = sign
            self.margin = margin
            self.scope = scope
        }

        /// A single term, bigger is better, with an absolute margin (format 1's level).
        public init(term: String, margin: Double) { self.init(terms: [term], margin: margin) }

        /// The level's name: its terms joined by `+`, with a leading `-` when smaller is better.
        public var term: String { (sign < 0 ? "-" : "") + terms.joined(separator: "+") }

        enum CodingKeys: String, CodingKey { case terms, term, sign, margin, scope }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            if let terms = try c.decodeIfPresent([String].self, forKey: .terms) {
                self.terms = terms
            } else {
                terms = [try c.decode(String.self, forKey: .term)]
            }
            sign = try c.decodeIfPresent(Int.self, forKey: .sign) ?? 1
            margin = try c.decode(Double.self, forKey: .margin)
            scope = try c.decodeIfPresent(MarginScope.self, forKey: .scope) ?? .absolute
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(terms, forKey: .terms)
            try c.encode(sign, forKey: .sign)
            try c.encode(margin, forKey: .margin)
            try c.encode(scope, forKey: .scope)
        }

        /// The level's value from per-term values by name: sign × Σ of its terms.
        public func value(_ values: [String: Double]) -> Double {
            Double(sign) * terms.reduce(0) { $0 + (values[$1] ?? 0) }
        }
    }

    public static let formatVersion = 2
    public var format = RewardHierarchy.formatVersion
    public var task: String
    public var annotator: String
    public var levels: [Level]

    public init(task: String, annotator: String, levels: [Level]) {
        self.task = task
        self.annotator = annotator
        self.levels = levels
    }

    /// Compares two segments by their per-term returns. Levels with a standard-deviation scope use
    /// `scales[l]` (the level's standard deviation) when given, else their margin as absolute.
    public func compare(_ first: [String: Double], _ second: [String: Double], scales: [Double]? = nil) -> Answer {
        for (l, level) in levels.enumerated() {
            let difference = level.value(first) - level.value(second)
            let delta = level.scope == .absolute ? level.margin : level.margin * (scales?[l] ?? 1)
            if abs(difference) > delta { return difference > 0 ? .first : .second }
        }
        return .equal
    }

    /// Checks the levels against the task: every term known, none twice, signs ±1, margins finite and ≥ 0.
    public func validate(against spec: TaskSpec) throws {
        var seen = Set<String>()
        for level in levels {
            guard !level.terms.isEmpty else { throw HierarchyError.empty }
            for term in level.terms {
                guard spec.rewardTerms.contains(term) else {
                    throw HierarchyError.unknownTerm(term, task: spec.id, known: spec.rewardTerms)
                }
                guard seen.insert(term).inserted else { throw HierarchyError.repeatedTerm(term) }
            }
            guard level.sign == 1 || level.sign == -1 else { throw HierarchyError.badSign(level.term, level.sign) }
            guard level.margin.isFinite, level.margin >= 0 else { throw HierarchyError.badMargin(level.term, level.margin) }
        }
        guard !levels.isEmpty else { throw HierarchyError.empty }
    }

    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeAtomically(try encoder.encode(self), to: url)
    }

    /// Reads a hierarchy and checks its terms against its task in `tasks`.
    public static func read(from url: URL, tasks: TaskRegistry) throws -> RewardHierarchy {
        guard let data = try? Data(contentsOf: url) else { throw HierarchyError.unreadable(url.path) }
        return try decode(data, path: url.path, tasks: tasks)
    }

    /// Decodes a hierarchy file's bytes and checks its terms against its task in `tasks`; `path` names
    /// the file in errors.
    public static func decode(_ data: Data, path: String, tasks: TaskRegistry) throws -> RewardHierarchy {
        let hierarchy: RewardHierarchy
        do { hierarchy = try JSONDecoder().decode(RewardHierarchy.self, from: data) } catch let error as DecodingError {
            throw HierarchyError.malformed(path, reason: describe(error))
        }
        guard hierarchy.format <= formatVersion else { throw HierarchyError.malformed(path, reason: "format \(hierarchy.format) is newer than this build reads (\(formatVersion))") }
        try hierarchy.validate(against: try tasks.spec(for: hierarchy.task))
        return hierarchy
    }
}

public enum HierarchyError: Error, CustomStringConvertible, Equatable {
    case unknownTerm(String, task: String, known: [String])
    case repeatedTerm(String)
    case badMargin(String, Double)
    case badSign(String, Int)
    case malformedRanking(String, known: [String])
    case marginCount(Int, levels: Int)
    case empty
    case unreadable(String)
    case malformed(String, reason: String)

    public var description: String {
        switch self {
        case let .unknownTerm(term, task, known): return "\(task) has no reward term '\(term)'; its terms are \(known.joined(separator: ", "))"
        case .repeatedTerm(let term): return "reward term '\(term)' is ranked twice; rank each term once"
        case let .badMargin(term, margin): return "margin \(margin.plainText) of '\(term)' must be a finite number ≥ 0"
        case let .badSign(term, sign): return "sign \(sign) of '\(term)' must be 1 (bigger is better) or -1 (smaller is better)"
        case .empty: return "the ranking has no terms; rank at least one"
        case let .malformedRanking(text, known):
            return "'\(text)' is not a ranking; write terms from most to least important separated by >, a group joined by +, and - before a level whose smaller values are better, e.g. \(known.prefix(3).joined(separator: ">")) (terms: \(known.joined(separator: ", ")))"
        case let .marginCount(count, levels):
            return "\(count) margins for a ranking of \(levels) levels; give one margin per level, or one for all"
        case .unreadable(let path): return "cannot read hierarchy file \(path)"
        case let .malformed(path, reason): return "hierarchy file \(path) is malformed: \(reason)"
        }
    }
}
