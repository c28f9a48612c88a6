import Foundation
import NeuralNets
import SandboxCore

/// Self-supervised pretraining of the encoder's backbone on the task's own rendered episodes, by a
/// time-contrastive InfoNCE objective (single-view TCN, Sermanet et al. 2018, with the InfoNCE loss of
/// van den Oord et al. 2018).
///
/// Each batch takes `anchorsPerEpisode` anchors from each of `episodesPerBatch` episodes, at least
/// `negativeGap` frames apart, and a positive within `positiveWindow` frames of each anchor. The
/// features pass a linear projection (dropped afterwards) and are L2-normalised; an anchor must pick
/// its own positive out of all the batch's positives (temperature `temperature`), symmetrically.
///
/// Why this objective: RAPL compares videos frame by frame through optimal transport, so the frozen
/// features must say *where in the task* a frame is (how far the lander is from the pad, how the
/// debris lies), not which episode it came from. Positives close in time and hard negatives from the
/// same episode far in time push the features to follow the task's progress and to ignore what is
/// constant within an episode (a lander's terrain); negatives from other episodes keep them from
/// collapsing. XIRL's TCC, the pretrained reward encoder RAPL is compared with, is temporal for the
/// same reason. No labels, rewards or states are used: only frames and their order.
public struct TimeContrastivePretraining {
    public struct Settings: Sendable {
        public var steps = 1500
        public var episodesPerBatch = 16
        public var anchorsPerEpisode = 2
        /// Positives lie 1 … `positiveWindow` frames from their anchor.
        public var positiveWindow = 2
        /// Anchors from one episode lie at least this many frames apart.
        public var negativeGap = 15
        public var temperature: Float = 0.1
        public var learningRate: Float = 3e-4
        public var projectionSize = 64
        public var seed: UInt64 = 1
        public init() {}
    }

    public var settings: Settings
    public init(settings: Settings = Settings()) { self.settings = settings }

    public static let objectiveName = "time-contrastive InfoNCE (single-view TCN)"

    /// Trains `encoder.backbone` on `episodes` (each a list of frames in order); returns the mean loss
    /// of the last 50 steps.
    public func pretrain(_ encoder: FrameEncoder, episodes: [[Frame]], progress: ProgressBar? = nil) throws -> Double {
        let usable = episodes.filter { $0.count >= 2 }
        guard !usable.isEmpty else { throw VisualRewardError.noFrames(task: encoder.configuration.task) }
        var generator = SeededGenerator(seed: settings.seed)
        let projection = Linear(encoder.configuration.featureSize, settings.projectionSize, using: &generator)
        let adam = Adam(parameters: encoder.backbone.parameters + projection.parameters,
                        configuration: .init(learningRate: settings.learningRate))
        var recent: [Double] = []
        for step in 0..<settings.steps {
            var anchors: [Frame] = [], positives: [Frame] = []
            for _ in 0..<settings.episodesPerBatch {
                let episode = usable[Int.random(in: 0..<usable.count, using: &generator)]
                var taken: [Int] = []
                for _ in 0..<settings.anchorsPerEpisode {
                    var t = Int.random(in: 0..<episode.count, using: &generator)
                    for _ in 0..<20 where taken.contains(where: { abs($0 - t) < settings.negativeGap }) {
                        t = Int.random(in: 0..<episode.count, using: &generator)
                    }
                    taken.append(t)
                    var offset = Int.random(in: 1...settings.positiveWindow, using: &generator)
                    if Bool.random(using: &generator) { offset = -offset }
                    let p = t + offset >= 0 && t + offset < episode.count ? t + offset : t - offset
                    anchors.append(episode[t])
                    positives.append(episode[Swift.min(Swift.max(p, 0), episode.count - 1)])
                }
            }
            let b = anchors.count
            adam.zeroGrad()
            let z = projection(encoder.backbone(try encoder.tensor((anchors + positives)[...])))
            let normalised = z / ((z * z).sum(axis: 1, keepingDimension: true) + 1e-12).sqrt()
            let za = normalised.rows(0..<b), zp = normalised.rows(b..<(2 * b))
            let logits = za.matmul(zp.transposed()) * (1 / settings.temperature)
            var identity = [Float](repeating: 0, count: b * b)
            for i in 0..<b { identity[i * b + i] = 1 }
            let mask = Tensor(shape: [b, b], data: identity)
            let loss = -((logits.logSoftmax(axis: 1) * mask).sum() + (logits.transposed().logSoftmax(axis: 1) * mask).sum()) * (1 / Float(2 * b))
            loss.backward()
            adam.step()
            recent.append(Double(loss.item))
            if recent.count > 50 { recent.removeFirst() }
            progress?.status = String(format: "loss %.3f", recent.reduce(0, +) / Double(recent.count))
            progress?.advance()
            _ = step
        }
        return recent.reduce(0, +) / Double(Swift.max(recent.count, 1))
    }
}
