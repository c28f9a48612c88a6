import NeuralNets
import SandboxCore
import Testing
import TestSupport
@testable import VisualRewards

@Suite("Triplet alignment of the linear head")
struct TripletAlignmentTests {
    /// Videos of 8-d "backbone features": feature 0 climbs to the video's quality q over time (what the
    /// person cares about: final cost 1 − q); features 1…7 are noise of the same size.
    static func toyVideos(count: Int, frames: Int, seed: UInt64) -> (features: [Tensor], costs: [[Double]]) {
        var g = TestGenerator(seed: seed)
        var features: [Tensor] = [], costs: [[Double]] = []
        for _ in 0..<count {
            let q = Double.random(in: 0...1, using: &g)
            var data: [Float] = [], c: [Double] = []
            for t in 0..<frames {
                let progress = q * Double(t) / Double(frames - 1)
                data.append(Float(2 * progress))
                for _ in 1..<8 { data.append(Float.random(in: -1...1, using: &g)) }
                c.append(1 - progress)
            }
            features.append(Tensor(shape: [frames, 8], data: data))
            costs.append(c)
        }
        return (features, costs)
    }

    static func toyEncoder() -> FrameEncoder {
        FrameEncoder(configuration: FrameEncoderConfiguration(task: "Toy-v1", featureSize: 8, embeddingSize: 4), seed: 5)
    }

    /// Share of the head's weight norm on feature 0.
    static func weightOnPreferredFeature(_ encoder: FrameEncoder) -> Double {
        let w = encoder.head.weight  // [4, 8]
        var column = [Double](repeating: 0, count: 8)
        for r in 0..<4 { for c in 0..<8 { column[c] += Double(w.data[r * 8 + c] * w.data[r * 8 + c]) } }
        return column[0] / column.reduce(0, +)
    }

    @Test("alignment on a toy problem with a known preferred feature moves the embedding toward it")
    func toyAlignment() throws {
        let (features, costs) = Self.toyVideos(count: 60, frames: 12, seed: 21)
        let (triplets, _) = SimulatedPerson().triplets(count: 60, finalCosts: costs.map { $0.last! }, seed: 22)
        #expect(triplets.count == 60)
        let encoder = Self.toyEncoder()
        let before = Self.weightOnPreferredFeature(encoder)
        // Records are not read here; one short lander episode stands in for each.
        let environment = try Fixtures.tasks.make("LunarLanderContinuous-v1")
        let record = try Rollout.run(environment, controller: RandomController(space: environment.spec.actionSpace, seed: 1), seed: 1, maxSteps: 1).record
        let pool = RolloutPool(episodes: features.enumerated().map { i, f in
            PoolEpisode(record: record, policy: .random, costs: costs[i], frames: [], features: f, outcome: "")
        })
        let heldOutBefore = RAPLPipeline.evaluate(encoder: encoder, heldOut: pool, demonstrations: [], methods: [.rlhf])
        var settings = TripletAlignment.Settings()
        settings.epochs = 40
        settings.rlhfEpochs = 40
        settings.rlhfLearningRate = 1e-2
        let report = TripletAlignment(settings: settings).align(encoder, features: features, triplets: triplets)
        let after = Self.weightOnPreferredFeature(encoder)
        #expect(after > 2 * before, "weight share on the preferred feature \(before) → \(after)")
        #expect(report.validationAccuracy >= 0.75, "validation accuracy \(report.validationAccuracy)")
        #expect(report.bestValidationLoss < report.validationLosses[0])
        // The RLHF head learns the same feature: its frame reward now rises with the ground truth.
        let heldOutAfter = RAPLPipeline.evaluate(encoder: encoder, heldOut: pool, demonstrations: [], methods: [.rlhf])
        #expect(heldOutAfter[0].across > heldOutBefore[0].across && heldOutAfter[0].across > 0.5, "\(heldOutBefore[0].across) → \(heldOutAfter[0].across)")
    }

    @Test("fine-tuning the whole encoder keeps the best validation weights and changes the backbone")
    func fineTuning() throws {
        let encoder = FrameEncoder(configuration: FrameEncoderConfiguration(task: "LunarLanderContinuous-v1"), seed: 23)
        var pool = RolloutPool.Settings()
        pool.episodes = 12
        pool.maxSteps = 20
        let rollouts = try RAPLPipeline.pool(encoder: encoder, taskID: "LunarLanderContinuous-v1", tasks: Fixtures.tasks,
                                             cost: PrivilegedCost(terms: ["distance"]), settings: pool, keepFrames: true, frameLimit: 6)
        #expect(rollouts.episodes.allSatisfy { $0.frames.count == 6 })
        let (triplets, _) = SimulatedPerson().triplets(count: 6, finalCosts: rollouts.episodes.map(\.finalCost), seed: 24)
        var settings = TripletAlignment.Settings()
        settings.epochs = 3
        settings.videoFrames = 6
        let alignment = TripletAlignment(settings: settings)
        var generator = alignment.shuffling()
        var report = alignment.alignHead(encoder, features: rollouts.episodes.map { $0.features! }, triplets: triplets, generator: &generator)
        let headLoss = report.bestValidationLoss
        let before = encoder.backbone.parameters.map(\.data)
        try alignment.fineTune(encoder, videos: rollouts.episodes.map(\.frames), triplets: triplets, epochs: 2, learningRate: 1e-3,
                               report: &report, generator: &generator)
        #expect(report.bestValidationLoss <= headLoss)
        let changed = zip(before, encoder.backbone.parameters.map(\.data)).contains { $0 != $1 }
        // Either an epoch beat the head-aligned weights (and the backbone moved) or they were kept.
        #expect(changed == (report.bestValidationLoss < headLoss))
    }

    @Test("videos are subsampled evenly with both ends kept")
    func subsampling() {
        #expect(TripletAlignment.subsample(5, limit: 32) == [0, 1, 2, 3, 4])
        let picked = TripletAlignment.subsample(100, limit: 5)
        #expect(picked == [0, 25, 50, 74, 99] || picked == [0, 25, 50, 75, 99])
    }
}
