import Foundation
import RewardLearning
import SandboxCore

extension Fixtures {
    /// A fresh path in the temporary folder.
    public static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-labels-\(UUID().uuidString)-\(name)").path
    }

    /// A store with two lander episodes, four segments and three pair queries.
    public static func filledStore(_ path: String) throws -> LabelStore {
        let store = try LabelStore(path: path)
        let environment = try tasks.make("LunarLanderContinuous-v1")
        var segments: [Int64] = []
        for seed in UInt64(0)..<2 {
            let record = try Rollout.run(environment, controller: environment.makeHeuristic(), seed: seed, maxSteps: 60).record
            let episode = try store.add(episode: record)
            segments.append(try store.add(segment: SegmentReference(episode: episode, start: 0, length: 20)))
            segments.append(try store.add(segment: SegmentReference(episode: episode, start: 20, length: 20)))
        }
        try store.addQuery(kind: .pair, first: segments[0], second: segments[2], round: 1)
        try store.addQuery(kind: .pair, first: segments[1], second: segments[3], round: 1)
        try store.addQuery(kind: .triplet, first: segments[0], second: segments[1], reference: segments[2], round: 2)
        return store
    }
}
