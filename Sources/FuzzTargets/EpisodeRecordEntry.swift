import Foundation
import SandboxCLI
import SandboxCore

extension FuzzEntry {
    /// Decodes an episode record file's bytes as `EpisodeRecord.read` does, then makes the record's task
    /// with its options after the checks a replay makes (task, version, action widths); no step is run.
    public static func episodeRecord(_ data: Data) throws {
        let record = try EpisodeRecord.decode(data, path: "record.json")
        _ = try Rollout.environment(replaying: record, in: SandboxCLI.tasks, path: "record.json")
    }
}
