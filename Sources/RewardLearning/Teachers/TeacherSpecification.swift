import Foundation
import SandboxCore

/// Who answers preference queries, as the command line and `pbrl.json` name it:
/// - a simulated teacher by its B-Pref preset (`oracle`, `noisy`, `myopic`, `skip`, `equal`, `mistake`);
/// - `hierarchy:FILE`, a HERON reward hierarchy (a ranking of reward terms with margins);
/// - `regret:EXPERT`, Knox et al.'s regret teacher: the segment whose actions cost less against an
///   expert policy (a policy file or run folder) is preferred (`ExpertValues`);
/// - `human`, people answering in the labelling window (answers arrive later through the store).
///
/// It encodes as that text, so files that stored a teacher as a string read unchanged.
public enum TeacherSpecification: Equatable, Sendable, CustomStringConvertible {
    case simulated(preset: String)
    case hierarchy(path: String)
    case regret(expert: String)
    case human

    /// Parses `NAME`, `hierarchy:FILE`, `regret:EXPERT` or `human`; an unknown preset or an empty file name is an error
    /// that lists what is accepted.
    public init(parsing text: String) throws {
        if text == "human" {
            self = .human
        } else if text.hasPrefix("hierarchy:") {
            let path = String(text.dropFirst("hierarchy:".count))
            guard !path.isEmpty else { throw TeacherError.emptyHierarchyPath }
            self = .hierarchy(path: path)
        } else if text.hasPrefix("regret:") || text == "regret" {
            let expert = String(text.dropFirst("regret:".count))
            guard !expert.isEmpty else { throw RegretTeacherError.emptyExpert }
            self = .regret(expert: expert)
        } else {
            _ = try SimulatedTeacher.preset(text)
            self = .simulated(preset: text)
        }
    }

    public var description: String {
        switch self {
        case .simulated(let preset): return preset
        case .hierarchy(let path): return "hierarchy:\(path)"
        case .regret(let expert): return "regret:\(expert)"
        case .human: return "human"
        }
    }

    /// Who answers a preference loop's queries: a simulated teacher, or people through the store.
    /// A hierarchy answers stored queries (`StoreTeacher`), not a loop's, and is refused here. A regret
    /// teacher replays the loop's episodes from the store in `tasks`.
    public func makeAnswerer(seed: UInt64, endings: Endings, tasks: TaskRegistry) throws -> any PairAnswerer {
        switch self {
        case .simulated(let preset): return try SimulatedAnswerer(name: preset, seed: seed, endings: endings)
        case .regret(let expert): return RegretAnswerer(values: try ExpertValues(expertPath: expert, tasks: tasks), annotator: annotator)
        case .human: return StoreAnswerer()
        case .hierarchy: throw TeacherError.hierarchyInLoop(description)
        }
    }

    /// The annotator name a simulated teacher's answers are stored under (`teacher:oracle`).
    public var annotator: String { self == .human ? "human" : "teacher:\(description)" }
}

extension TeacherSpecification: TextCodable {}
