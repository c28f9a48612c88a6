import Foundation
import RewardLearning
import SandboxCore
import Testing
import TestSupport
@testable import VisualRewards

@Suite("People's triplets through a label store")
struct HumanTripletTests {
    @Test("queries show an expert reference; A, B, equal and skip become ordered, equal or no triplets")
    func answers() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rapl-\(UUID().uuidString).db").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try LabelStore(path: path)
        let encoder = FrameEncoder(configuration: FrameEncoderConfiguration(task: "LunarLanderContinuous-v1"), seed: 61)
        var settings = RolloutPool.Settings()
        settings.episodes = 6
        settings.maxSteps = 10
        let pool = try RAPLPipeline.pool(encoder: encoder, taskID: "LunarLanderContinuous-v1", tasks: Fixtures.tasks,
                                         cost: PrivilegedCost(terms: ["distance"]), settings: settings)
        // A person in another process: answers every pending triplet query in turn with A, B, equal, skip.
        let person = Thread {
            let theirs = try! LabelStore(path: path)
            var answered = 0
            while answered < 4 {
                for query in try! theirs.pendingQueries(kind: .triplet) {
                    let answer: Answer = [.first, .second, .equal, .skip][answered % 4]
                    _ = try! theirs.add(answer: answer, to: query.id, annotator: "person", responseTime: 1)
                    answered += 1
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        person.start()
        let triplets = try RAPLPipeline.humanTriplets(pool: pool, count: 4, seed: 62, store: store, shouldStop: { false }, report: { _ in })
        #expect(triplets.count == 3)  // the skip is dropped
        #expect(triplets.allSatisfy { pool.episodes[$0.positive].policy == .expert })
        #expect(triplets.filter(\.equal).count == 1)
        let queries = try store.queries()
        #expect(queries.count == 4 && queries.allSatisfy { $0.kind == .triplet && $0.reference != nil })
    }
}
