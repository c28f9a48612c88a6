import Agents
import NeuralNets
import SandboxCore
import Testing
import TestSupport
@testable import VisualRewards

@Suite("Visual episode rewards")
struct VisualEpisodeRewardTests {
    @Test("each method gives one reward per step from 64×64 frames; a demonstration scores best against itself")
    func rewards() throws {
        let encoder = FrameEncoder(configuration: FrameEncoderConfiguration(task: "LunarLanderContinuous-v1"), seed: 51)
        var settings = RolloutPool.Settings()
        settings.episodes = 3
        settings.maxSteps = 20
        let pool = try RAPLPipeline.pool(encoder: encoder, taskID: "LunarLanderContinuous-v1", tasks: Fixtures.tasks,
                                         cost: PrivilegedCost(terms: ["distance"]), settings: settings, keepFrames: true)
        let demo = pool.episodes[0], other = pool.episodes[2]
        for method in [VisualRewardMethod.rapl, .rlhf, .ot, .goal] {
            var linearValues: [Float] = []
            for scaling in TransportRewardScaling.allCases {
                let reward = VisualEpisodeReward(encoder: encoder, method: method, demonstrationFeatures: [demo.features!], scaling: scaling)
                #expect(reward.frameSize == (try RenderSize(width: 64, height: 64)))
                let trace = EpisodeTrace(observations: Array(repeating: [0], count: other.frames.count),
                                         actions: Array(repeating: [0, 0], count: other.frames.count - 1), frames: other.frames)
                let values = reward.rewards(for: trace)
                #expect(values.count == trace.stepCount && values.allSatisfy(\.isFinite), "\(method)")
                if method == .rapl || method == .ot {
                    #expect(values.allSatisfy { $0 <= 0 })
                    if scaling == .linear { linearValues = values } else {
                        // The released code's −10000·(Σ_j P_tj C_tj)².
                        #expect(zip(values, linearValues).allSatisfy { abs($0 + 10000 * $1 * $1) <= 1e-3 * max(1, abs($0)) })
                    }
                    let own = reward.frameRewards(features: demo.features!).reduce(0, +)
                    let theirs = reward.frameRewards(features: other.features!).reduce(0, +)
                    #expect(own >= theirs, "\(method): \(own) vs \(theirs)")
                }
            }
        }
    }
}
