import Foundation
import NeuralNets
import SandboxCore

/// Trains RAPL's linear head (backbone frozen) on preference triplets, and the RLHF baseline's frame
/// reward head on the same triplets read as pairs, with the released code's settings
/// (preference_representation_train/resnet_representation_alignment_frankapick.py and
/// train_RLHF_reward.py, thomasrantian/mvp @ 3274577).
///
/// The backbone is frozen, so each rollout's features are computed once and only the heads train.
/// Videos are subsampled to at most `videoFrames` evenly spaced frames (first and last included) for
/// the loss; the released Franka episodes are 45 frames long.
public struct TripletAlignment {
    public struct Settings: Sendable {
        /// Adam learning rate of RAPL's head (the released code's 1e-3).
        public var learningRate: Float = 1e-3
        /// Triplets per Adam step (10).
        public var batchSize = 10
        /// Epochs (100 on the ResNet path).
        public var epochs = 100
        /// Epochs that only evaluate, before the first step (the released code skips steps in epochs 0–1).
        public var evaluationOnlyEpochs = 2
        /// Share of triplets held out for validation and the best checkpoint (20%).
        public var validationShare = 0.2
        /// At most this many frames per video in the loss.
        public var videoFrames = 32
        /// The RLHF baseline's Adam learning rate (1e-4), epochs (50) and batch (10 pairs).
        public var rlhfLearningRate: Float = 1e-4
        public var rlhfEpochs = 50
        public var sinkhorn = Sinkhorn()
        public var seed: UInt64 = 1
        public init() {}
    }

    /// What alignment reports: per-epoch losses and the best validation epoch of each head.
    public struct Report: Sendable {
        public var trainLosses: [Double] = []
        public var validationLosses: [Double] = []
        public var bestEpoch = 0
        public var bestValidationLoss = Double.infinity
        public var validationAccuracy = Double.nan
        public var rlhfBestValidationLoss = Double.infinity
        public var rlhfValidationAccuracy = Double.nan
        public var trainingTriplets = 0
        public var validationTriplets = 0
    }

    public var settings: Settings
    public init(settings: Settings = Settings()) { self.settings = settings }

    /// Evenly spaced indices of `count` frames, at most `limit`, first and last included.
    public static func subsample(_ count: Int, limit: Int) -> [Int] {
        guard count > limit, limit > 1 else { return Array(0..<count) }
        return (0..<limit).map { Int((Double($0) * Double(count - 1) / Double(limit - 1)).rounded()) }
    }

    /// The 80/20 split of triplet indices (seeded shuffle); validation gets at least one when possible.
    func split(_ count: Int) -> (train: [Int], validation: [Int]) {
        var generator = SeededGenerator(seed: settings.seed)
        let order = Array(0..<count).shuffled(using: &generator)
        let held = count >= 2 ? Swift.max(1, Int((Double(count) * settings.validationShare).rounded())) : 0
        return (Array(order.dropFirst(held)), Array(order.prefix(held)))
    }

    /// Trains `encoder.head` and `encoder.rewardHead` on `triplets` over videos of backbone `features`
    /// (one [T + 1, featureSize] tensor per pool rollout), keeping each head's best validation weights.
    public func align(_ encoder: FrameEncoder, features: [Tensor], triplets: [Triplet], progress: ProgressBar? = nil) -> Report {
        var generator = shuffling()
        var report = alignHead(encoder, features: features, triplets: triplets, generator: &generator, progress: progress)
        alignRewardHead(encoder, features: features, triplets: triplets, report: &report, generator: &generator, progress: progress)
        return report
    }

    /// The generator that shuffles training batches; `align` threads one through both heads.
    public func shuffling() -> SeededGenerator { SeededGenerator(seed: settings.seed &+ 1) }

    /// Trains RAPL's head alone (the backbone frozen), keeping its best validation weights.
    public func alignHead(_ encoder: FrameEncoder, features: [Tensor], triplets: [Triplet], generator: inout SeededGenerator,
                          progress: ProgressBar? = nil) -> Report {
        let videos = features.map { f in f.rows(Self.subsample(f.shape[0], limit: settings.videoFrames)).detached() }
        let (train, validation) = split(triplets.count)
        var report = Report()
        report.trainingTriplets = train.count
        report.validationTriplets = validation.count
        let checkOn = validation.isEmpty ? train : validation

        // RAPL's head.
        let adam = Adam(parameters: encoder.head.parameters, configuration: .init(learningRate: settings.learningRate))
        func loss(_ t: Triplet) -> Tensor {
            VideoSimilarity.tripletLoss(positive: encoder.embed(videos[t.positive]), neutral: encoder.embed(videos[t.neutral]),
                                        negative: encoder.embed(videos[t.negative]), equal: t.equal, sinkhorn: settings.sinkhorn)
        }
        func evaluate(_ indices: [Int]) -> (loss: Double, accuracy: Double) {
            var total = 0.0, right = 0, counted = 0
            for i in indices {
                let t = triplets[i]
                let p = encoder.embed(videos[t.positive]).detached()
                let near = VideoSimilarity.similarity(p, encoder.embed(videos[t.neutral]).detached(), sinkhorn: settings.sinkhorn).item
                let far = VideoSimilarity.similarity(p, encoder.embed(videos[t.negative]).detached(), sinkhorn: settings.sinkhorn).item
                total += Double(VideoSimilarity.preferenceLoss(preferred: Tensor(near), other: Tensor(far), equal: t.equal).item)
                if !t.equal { counted += 1; if near > far { right += 1 } }
            }
            return (total / Double(Swift.max(indices.count, 1)), counted > 0 ? Double(right) / Double(counted) : .nan)
        }
        var best = encoder.head.parameters.map(\.data)
        for epoch in 0..<settings.epochs {
            var epochLoss = 0.0
            if epoch >= settings.evaluationOnlyEpochs {
                let order = train.shuffled(using: &generator)
                for start in stride(from: 0, to: order.count, by: settings.batchSize) {
                    let batch = order[start..<Swift.min(start + settings.batchSize, order.count)]
                    adam.zeroGrad()
                    let total = batch.map { loss(triplets[$0]) }.reduce(Tensor(0)) { $0 + $1 } * (1 / Float(batch.count))
                    total.backward()
                    adam.step()
                    epochLoss += Double(total.item) * Double(batch.count)
                }
                report.trainLosses.append(epochLoss / Double(Swift.max(train.count, 1)))
            } else {
                report.trainLosses.append(evaluate(train).loss)
            }
            let (validationLoss, accuracy) = evaluate(checkOn)
            report.validationLosses.append(validationLoss)
            if validationLoss < report.bestValidationLoss {
                report.bestValidationLoss = validationLoss
                report.bestEpoch = epoch
                report.validationAccuracy = accuracy
                best = encoder.head.parameters.map(\.data)
            }
            progress?.status = String(format: "RAPL head: epoch %d validation loss %.4f", epoch, validationLoss)
            progress?.advance()
        }
        for (tensor, values) in zip(encoder.head.parameters, best) { tensor.assign(values) }
        return report
    }

    /// Trains the RLHF baseline's frame-reward head on the triplets read as pairs: Σ_t head(frame_t) per
    /// video, Bradley–Terry, keeping its best validation weights.
    public func alignRewardHead(_ encoder: FrameEncoder, features: [Tensor], triplets: [Triplet], report: inout Report,
                                generator: inout SeededGenerator, progress: ProgressBar? = nil) {
        let videos = features.map { f in f.rows(Self.subsample(f.shape[0], limit: settings.videoFrames)).detached() }
        let (train, validation) = split(triplets.count)
        let checkOn = validation.isEmpty ? train : validation
        func pairs(_ indices: [Int]) -> [(Int, Int, Bool)] {
            indices.flatMap { i -> [(Int, Int, Bool)] in
                let t = triplets[i]
                return [(t.positive, t.neutral, t.equal), (t.positive, t.negative, t.equal), (t.neutral, t.negative, t.equal)]
            }
        }
        let trainPairs = pairs(train), checkPairs = pairs(checkOn)
        let rlhfAdam = Adam(parameters: encoder.rewardHead.parameters, configuration: .init(learningRate: settings.rlhfLearningRate))
        func rlhfReturn(_ v: Int) -> Tensor { encoder.frameRewards(videos[v]).sum() }
        func rlhfEvaluate() -> (loss: Double, accuracy: Double) {
            var total = 0.0, right = 0, counted = 0
            for (a, b, equal) in checkPairs {
                let x = rlhfReturn(a).item, y = rlhfReturn(b).item
                total += Double(VideoSimilarity.preferenceLoss(preferred: Tensor(x), other: Tensor(y), equal: equal).item)
                if !equal { counted += 1; if x > y { right += 1 } }
            }
            return (total / Double(Swift.max(checkPairs.count, 1)), counted > 0 ? Double(right) / Double(counted) : .nan)
        }
        var rlhfBest = encoder.rewardHead.parameters.map(\.data)
        (report.rlhfBestValidationLoss, report.rlhfValidationAccuracy) = rlhfEvaluate()
        let pairBatch = settings.batchSize
        for _ in 0..<settings.rlhfEpochs {
            let order = trainPairs.shuffled(using: &generator)
            for start in stride(from: 0, to: order.count, by: pairBatch) {
                let batch = order[start..<Swift.min(start + pairBatch, order.count)]
                rlhfAdam.zeroGrad()
                let total = batch.map { VideoSimilarity.preferenceLoss(preferred: rlhfReturn($0.0), other: rlhfReturn($0.1), equal: $0.2) }
                    .reduce(Tensor(0)) { $0 + $1 } * (1 / Float(batch.count))
                total.backward()
                rlhfAdam.step()
            }
            let (validationLoss, accuracy) = rlhfEvaluate()
            if validationLoss < report.rlhfBestValidationLoss {
                report.rlhfBestValidationLoss = validationLoss
                report.rlhfValidationAccuracy = accuracy
                rlhfBest = encoder.rewardHead.parameters.map(\.data)
            }
            progress?.status = String(format: "RLHF head: validation loss %.4f", validationLoss)
            progress?.advance()
        }
        for (tensor, values) in zip(encoder.rewardHead.parameters, rlhfBest) { tensor.assign(values) }
    }

    /// Fine-tunes the whole encoder (backbone and RAPL's head) on the triplets, after `alignHead`:
    /// the option the paper leaves open (the released ResNet path freezes the backbone). `videos` are each
    /// rollout's frames, already subsampled to at most `videoFrames`. Adam at `learningRate` for both, batches
    /// of `batchSize` triplets, the best validation weights (backbone and head) kept, starting from the
    /// head-aligned encoder's.
    public func fineTune(_ encoder: FrameEncoder, videos: [[Frame]], triplets: [Triplet], epochs: Int, learningRate: Float = 1e-4,
                         report: inout Report, generator: inout SeededGenerator, progress: ProgressBar? = nil) throws {
        let (train, validation) = split(triplets.count)
        let checkOn = validation.isEmpty ? train : validation
        let parameters = encoder.backbone.parameters + encoder.head.parameters
        let adam = Adam(parameters: parameters, configuration: .init(learningRate: learningRate))
        func validationLoss() throws -> (Double, Double) {
            var cache: [Int: Tensor] = [:]
            func embedding(_ v: Int) throws -> Tensor {
                if let e = cache[v] { return e }
                let e = encoder.embed(try encoder.features(videos[v])).detached()
                cache[v] = e
                return e
            }
            var total = 0.0, right = 0, counted = 0
            for i in checkOn {
                let t = triplets[i]
                let p = try embedding(t.positive)
                let near = VideoSimilarity.similarity(p, try embedding(t.neutral), sinkhorn: settings.sinkhorn).item
                let far = VideoSimilarity.similarity(p, try embedding(t.negative), sinkhorn: settings.sinkhorn).item
                total += Double(VideoSimilarity.preferenceLoss(preferred: Tensor(near), other: Tensor(far), equal: t.equal).item)
                if !t.equal { counted += 1; if near > far { right += 1 } }
            }
            return (total / Double(Swift.max(checkOn.count, 1)), counted > 0 ? Double(right) / Double(counted) : .nan)
        }
        var best = parameters.map(\.data)
        var bestLoss = try validationLoss().0
        for epoch in 0..<epochs {
            let order = train.shuffled(using: &generator)
            for start in stride(from: 0, to: order.count, by: settings.batchSize) {
                let batch = order[start..<Swift.min(start + settings.batchSize, order.count)].map { triplets[$0] }
                // One forward pass over every frame of the batch's videos, then each video's rows.
                var ids: [Int] = []
                for t in batch { for v in [t.positive, t.neutral, t.negative] where !ids.contains(v) { ids.append(v) } }
                var frames: [Frame] = [], ranges: [Int: Range<Int>] = [:]
                for v in ids { ranges[v] = frames.count..<(frames.count + videos[v].count); frames += videos[v] }
                adam.zeroGrad()
                let embeddings = encoder.embed(encoder.backbone(try encoder.tensor(frames[...])))
                func video(_ v: Int) -> Tensor { embeddings.rows(ranges[v]!) }
                let total = batch.map { VideoSimilarity.tripletLoss(positive: video($0.positive), neutral: video($0.neutral), negative: video($0.negative),
                                                                   equal: $0.equal, sinkhorn: settings.sinkhorn) }
                    .reduce(Tensor(0)) { $0 + $1 } * (1 / Float(batch.count))
                total.backward()
                adam.step()
            }
            let (loss, accuracy) = try validationLoss()
            if loss < bestLoss {
                bestLoss = loss
                best = parameters.map(\.data)
                report.bestValidationLoss = loss
                report.validationAccuracy = accuracy
                report.bestEpoch = report.validationLosses.count + epoch
            }
            progress?.status = String(format: "fine-tuning: epoch %d validation loss %.4f", epoch, loss)
            progress?.advance()
        }
        for (tensor, values) in zip(parameters, best) { tensor.assign(values) }
    }
}
