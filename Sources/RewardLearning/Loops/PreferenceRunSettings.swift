import Foundation
import SandboxCore

/// What `sandbox pbrl` was started with beyond the agent's own settings: `pbrl.json` in the run folder,
/// next to `config.json` (which holds the agent's). With it a finished run says its recipe (teacher,
/// labels, sampler, demonstrations and their share, endings, ensemble size), so that a benchmark can
/// tell whether a run matches the configuration it wants without trusting folder names.
public struct PreferenceRunSettings: Codable, Sendable {
    /// The file's name inside a run folder.
    public static let fileName = "pbrl.json"

    /// `oracle`, `noisy`, `myopic`, `skip`, `equal`, `mistake` or `human`.
    public var teacher: TeacherSpecification
    public var endings: Endings
    /// Whether the learned reward is held at or below 0 (`RewardEnsemble.Configuration.nonPositive`);
    /// nil in files written before the option, which means false.
    public var nonPositiveReward: Bool?
    /// Members of the Bradley–Terry reward ensemble.
    public var ensembleSize: Int
    /// Path of the label store the run asked its queries through.
    public var store: String
    /// The loop's schedule, sampler, demonstrations and reward-fitting settings.
    public var loop: PreferenceLoop.Configuration
    /// The file's format version; a newer one is refused.
    public var format = 1

    public init(teacher: TeacherSpecification, endings: Endings, nonPositiveReward: Bool = false, ensembleSize: Int, store: String,
                loop: PreferenceLoop.Configuration) {
        self.teacher = teacher
        self.endings = endings
        self.nonPositiveReward = nonPositiveReward
        self.ensembleSize = ensembleSize
        self.store = store
        self.loop = loop
    }

    /// Writes `pbrl.json` into `folder` atomically.
    public func write(to folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try writeAtomically(try encoder.encode(self), to: folder.appendingPathComponent(Self.fileName))
    }

    /// Reads `pbrl.json` from a run folder made by `sandbox pbrl`.
    public static func read(from folder: URL) throws -> PreferenceRunSettings {
        let file = folder.appendingPathComponent(fileName)
        guard let data = try? Data(contentsOf: file) else {
            throw PreferenceRunSettingsError.missing(folder.path)
        }
        let settings: PreferenceRunSettings
        do { settings = try JSONDecoder().decode(PreferenceRunSettings.self, from: data) } catch {
            throw PreferenceRunSettingsError.malformed(file.path, "\(error)")
        }
        guard settings.format <= 1 else { throw PreferenceRunSettingsError.newerFormat(file.path, settings.format) }
        return settings
    }
}

public enum PreferenceRunSettingsError: Error, CustomStringConvertible, Equatable {
    case missing(String)
    case malformed(String, String)
    case newerFormat(String, Int)

    public var description: String {
        switch self {
        case .missing(let folder):
            return "\(folder) has no \(PreferenceRunSettings.fileName): it is not a run folder of `sandbox pbrl`, or one made before runs recorded these settings; pass the run folder `sandbox pbrl` printed"
        case .malformed(let file, let detail):
            return "\(file) is damaged and cannot be read (\(detail)); restore it from the run's command line or rerun `sandbox pbrl`"
        case .newerFormat(let file, let format):
            return "\(file) has format \(format), newer than this build reads (1); update sandbox to read it"
        }
    }
}
