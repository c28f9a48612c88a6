import Foundation
import SandboxCore

/// A person's ranking of a task's reward terms for hierarchical feedback (HERON, Bukharin et al. 2023):
/// terms in order of importance, each with a margin. Two segments are compared on the most important
/// term first; when their returns of that term differ by more than its margin, that term decides,
/// otherwise the next term is consulted; when no term decides, they are equal.
///
/// Written by `sandbox label --ranking` as JSON:
/// `{"format": 1, "task": "LunarLanderContinuous-v1", "annotator": "alice", "levels": [{"term": "landing", "margin": 1}, …]}`
public struct RewardHierarchy: Codable, Equatable, Sendable {
    public struct Level: Codable, Equatable, Sendable {
        public var term: String
        /// Smallest difference of this term's segment return that decides a comparison (reward units).
        public var margin: Double
        public init(term: String, margin: Double) { self.term = term; self.margin = margin }
    }

    public static let formatVersion = 1
    public var format = RewardHierarchy.formatVersion
    public var task: String
    public var annotator: String
    public var levels: [Level]

    public init(task: String, annotator: String, levels: [Level]) {
        self.task = task
        self.annotator = annotator
        self.levels = levels
    }

    /// Compares two segments by their per-term returns.
    public func compare(_ first: [String: Double], _ second: [String: Double]) -> Answer {
        for level in levels {
            let difference = (first[level.term] ?? 0) - (second[level.term] ?? 0)
            if abs(difference) > level.margin { return difference > 0 ? .first : .second }
        }
        return .equal
    }

    /// Checks the levels against the task: every term known, none twice, margins finite and ≥ 0.
    public func validate(against spec: TaskSpec) throws {
        var seen = Set<String>()
        for level in levels {
            guard spec.rewardTerms.contains(level.term) else {
                throw HierarchyError.unknownTerm(level.term, task: spec.id, known: spec.rewardTerms)
            }
            guard seen.insert(level.term).inserted else { throw HierarchyError.repeatedTerm(level.term) }
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
    case empty
    case unreadable(String)
    case malformed(String, reason: String)

    public var description: String {
        switch self {
        case let .unknownTerm(term, task, known): return "\(task) has no reward term '\(term)'; its terms are \(known.joined(separator: ", "))"
        case .repeatedTerm(let term): return "reward term '\(term)' is ranked twice; rank each term once"
        case let .badMargin(term, margin): return "margin \(margin) of '\(term)' must be a finite number ≥ 0"
        case .empty: return "the ranking has no terms; rank at least one"
        case .unreadable(let path): return "cannot read hierarchy file \(path)"
        case let .malformed(path, reason): return "hierarchy file \(path) is malformed: \(reason)"
        }
    }
}
