import Foundation
import RewardLearning
import SandboxCLI

extension FuzzEntry {
    /// Decodes a reward hierarchy file's bytes and checks it against its task, as `RewardHierarchy.read`
    /// does for `--teacher hierarchy:FILE`.
    public static func hierarchy(_ data: Data) throws {
        _ = try RewardHierarchy.decode(data, path: "hierarchy.json", tasks: SandboxCLI.tasks)
    }
}
