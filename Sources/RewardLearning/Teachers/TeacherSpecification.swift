import Foundation
import SandboxCore

/// Who answers preference queries, as the command line and `pbrl.json` name it:
/// - a simulated teacher by its B-Pref preset (`oracle`, `noisy`, `myopic`, `skip`, `equal`, `mistake`);
/// - `hierarchy:FILE`, a HERON reward hierarchy (a ranking of reward terms with margins);
/// - `human`, people answering in the labelling window (answers arrive later through the store).
///
/// It encodes as that text, so files that stored a teacher as a string read unchanged.
public enum TeacherSpecification: Equatable, Sendable, CustomStringConvertible {
    case simulated(preset: String)
    case hierarchy(path: String)
    case human

    /// Parses `NAME`, `hierarchy:FILE` or `human`; an unknown preset or an empty file name is an error
    /// that lists what is accepted.
    public init(parsing text: String) throws {
        if text == "human" {
            self = .human
        } else if text.hasPrefix("hierarchy:") {
            let path = String(text.dropFirst("hierarchy:".count))
            guard !path.isEmpty else { throw TeacherError.emptyHierarchyPath }
            self = .hierarchy(path: path)
        } else {
            _ = try SimulatedTeacher.preset(text)
            self = .simulated(preset: text)
        }
    }

    public var description: String {
        switch self {
        case .simulated(let preset): return preset
        case .hierarchy(let path): return "hierarchy:\(path)"
        case .human: return "human"
        }
    }

    /// Who answers a preference loop's queries: a simulated teacher, or people through the store.
    /// A hierarchy answers stored queries (`StoreTeacher`), not a loop's, and is refused here.
    public func makeAnswerer(seed: UInt64, endings: Endings) throws -> any PairAnswerer {
        switch self {
        case .simulated(let preset): return try SimulatedAnswerer(name: preset, seed: seed, endings: endings)
        case .human: return StoreAnswerer()
        case .hierarchy: throw TeacherError.hierarchyInLoop(description)
        }
    }

    /// The annotator name a simulated teacher's answers are stored under (`teacher:oracle`).
    public var annotator: String { self == .human ? "human" : "teacher:\(description)" }
}

extension TeacherSpecification: TextCodable {}
