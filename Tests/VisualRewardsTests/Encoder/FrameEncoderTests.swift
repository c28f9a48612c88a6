import Foundation
import NeuralNets
import SandboxCore
import Testing
import TestSupport
@testable import VisualRewards

@Suite("The visual encoder")
struct FrameEncoderTests {
    static func frames(_ count: Int, seed: UInt64, size: Int = 64) -> [Frame] {
        var g = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Frame(width: size, height: size, pixels: (0..<(size * size * 3)).map { _ in UInt8.random(in: 0...255, using: &g) }) }
    }

    @Test("a checkpoint round trip keeps the weights, the configuration and the features")
    func roundTrip() throws {
        let encoder = FrameEncoder(configuration: FrameEncoderConfiguration(task: "LunarLanderContinuous-v1"), seed: 41)
        encoder.record(alignment: AlignmentRecord(teacher: "simulated", triplets: 150, privilegedCost: "distance", validationLoss: 0.5, bestEpoch: 3,
                                                  validationAccuracy: 0.9, rlhfValidationLoss: 0.6, rlhfValidationAccuracy: 0.7, seed: 1))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("encoder-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try encoder.save(to: url)
        let loaded = try FrameEncoder.load(from: url)
        #expect(loaded.configuration == encoder.configuration)
        for ((name, a), (_, b)) in zip(encoder.namedParameters, loaded.namedParameters) { #expect(a.data == b.data, "\(name)") }
        let frames = Self.frames(3, seed: 42)
        let f = try encoder.features(frames), g = try loaded.features(frames)
        #expect(f.shape == [3, 512] && f.data == g.data)
        #expect(encoder.embed(f).shape == [3, 32] && encoder.frameRewards(f).shape == [3])
    }

    @Test("frames of the wrong size are refused with the size to render at")
    func wrongSize() {
        let encoder = FrameEncoder(configuration: FrameEncoderConfiguration(task: "x"), seed: 1)
        #expect(throws: VisualRewardError.self) { _ = try encoder.features(Self.frames(1, seed: 1, size: 32)) }
        #expect(VisualRewardError.frameSize(width: 32, height: 32, expected: 64).description.contains("render at 64×64"))
    }

    @Test("features in batches equal features in one pass")
    func batching() throws {
        let encoder = FrameEncoder(configuration: FrameEncoderConfiguration(task: "x"), seed: 2)
        let frames = Self.frames(5, seed: 43)
        let whole = try encoder.features(frames, batch: 256).data, split = try encoder.features(frames, batch: 2).data
        #expect(zip(whole, split).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test("time-contrastive pretraining lowers its loss on rendered lander episodes")
    func pretraining() throws {
        var pool = RolloutPool.Settings()
        pool.episodes = 4
        pool.maxSteps = 30
        let episodes = try RolloutPool.collect(taskID: "LunarLanderContinuous-v1", tasks: Fixtures.tasks, cost: PrivilegedCost(terms: []),
                                               settings: pool, keepFrames: true, encode: nil)
        #expect(episodes.episodes.allSatisfy { $0.frames.count == $0.record.length + 1 && $0.frames[0].width == 64 })
        let encoder = FrameEncoder(configuration: FrameEncoderConfiguration(task: "LunarLanderContinuous-v1"), seed: 3)
        var settings = TimeContrastivePretraining.Settings()
        settings.episodesPerBatch = 4
        settings.negativeGap = 5
        settings.steps = 1
        let first = try TimeContrastivePretraining(settings: settings).pretrain(encoder, episodes: episodes.episodes.map(\.frames))
        settings.steps = 25
        let later = try TimeContrastivePretraining(settings: settings).pretrain(encoder, episodes: episodes.episodes.map(\.frames))
        #expect(later < first, "InfoNCE loss \(first) → \(later)")
    }
}
