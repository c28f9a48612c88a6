import Foundation
import NeuralNets
import SandboxCore

/// What a frame encoder was made from, stored in its checkpoint's metadata.
public struct FrameEncoderConfiguration: Codable, Sendable, Equatable {
    /// Frames are `frameSize` × `frameSize` RGB pixels (the Nature-CNN's 64).
    public var frameSize: Int = 64
    /// Backbone output size (the Nature-CNN's projection), the size of the frozen features.
    public var featureSize: Int = 512
    /// The aligned embedding's size (RAPL's linear head, backbone features → 32).
    public var embeddingSize: Int = 32
    /// The task whose frames pretrained the backbone.
    public var task: String
    /// How the backbone was pretrained, and the command that reproduces it.
    public var pretraining: PretrainingRecord?
    /// How the heads were aligned; nil for an encoder that is only pretrained.
    public var alignment: AlignmentRecord?

    public init(task: String, frameSize: Int = 64, featureSize: Int = 512, embeddingSize: Int = 32) {
        self.task = task
        self.frameSize = frameSize
        self.featureSize = featureSize
        self.embeddingSize = embeddingSize
    }
}

/// The self-supervised pretraining that made a backbone.
public struct PretrainingRecord: Codable, Sendable, Equatable {
    public var objective: String
    public var episodes: Int
    public var frames: Int
    public var steps: Int
    public var seed: UInt64
    public var finalLoss: Double
    public var command: String
}

/// The preference alignment that trained an encoder's heads.
public struct AlignmentRecord: Codable, Sendable, Equatable {
    public var teacher: String
    public var triplets: Int
    public var privilegedCost: String
    /// Best validation loss of RAPL's head (BT over triplets) and its epoch.
    public var validationLoss: Double
    public var bestEpoch: Int
    /// Share of held-out triplets the aligned OT similarity orders as the person did.
    public var validationAccuracy: Double
    /// The RLHF baseline head's best validation loss and accuracy (over the triplets read as pairs).
    public var rlhfValidationLoss: Double
    public var rlhfValidationAccuracy: Double
    public var seed: UInt64
    /// Epochs of fine-tuning the whole encoder after the head (nil: the backbone stayed frozen).
    public var fineTuningEpochs: Int?

    public init(teacher: String, triplets: Int, privilegedCost: String, validationLoss: Double, bestEpoch: Int, validationAccuracy: Double,
                rlhfValidationLoss: Double, rlhfValidationAccuracy: Double, seed: UInt64, fineTuningEpochs: Int? = nil) {
        self.fineTuningEpochs = fineTuningEpochs
        self.teacher = teacher
        self.triplets = triplets
        self.privilegedCost = privilegedCost
        self.validationLoss = validationLoss
        self.bestEpoch = bestEpoch
        self.validationAccuracy = validationAccuracy
        self.rlhfValidationLoss = rlhfValidationLoss
        self.rlhfValidationAccuracy = rlhfValidationAccuracy
        self.seed = seed
    }
}

/// RAPL's visual encoder: a frozen backbone (the Nature-CNN, pretrained self-supervised on the task's
/// own frames) with two linear heads on its features: RAPL's embedding head (features → 32, aligned by
/// triplets with optimal transport) and the RLHF baseline's frame reward (features → 1).
public final class FrameEncoder: ParameterContainer {
    public static let checkpointKind = "visual-encoder"
    public private(set) var configuration: FrameEncoderConfiguration
    public let backbone: NatureCNN
    /// RAPL's head: backbone features → `embeddingSize` (no normalisation, as the released code).
    public let head: Linear
    /// The RLHF baseline's head: backbone features → one reward per frame.
    public let rewardHead: Linear

    /// A new encoder with the Nature-CNN's orthogonal initialisation (`forLoading`: a cheap one, for
    /// weights about to be overwritten).
    public init(configuration: FrameEncoderConfiguration, seed: UInt64, forLoading: Bool = false) {
        self.configuration = configuration
        var generator = SeededGenerator(seed: seed)
        backbone = NatureCNN(inputHeight: configuration.frameSize, inputWidth: configuration.frameSize, inputChannels: 3,
                             featureSize: configuration.featureSize, initializer: forLoading ? .pytorchDefault : nil, using: &generator)
        head = Linear(configuration.featureSize, configuration.embeddingSize, using: &generator)
        rewardHead = Linear(configuration.featureSize, 1, using: &generator)
    }

    public var namedParameters: [(name: String, tensor: Tensor)] {
        backbone.namedParameters.map { ("backbone.\($0.name)", $0.tensor) }
            + head.namedParameters.map { ("head.\($0.name)", $0.tensor) }
            + rewardHead.namedParameters.map { ("reward_head.\($0.name)", $0.tensor) }
    }

    public func record(pretraining: PretrainingRecord) { configuration.pretraining = pretraining }
    public func record(alignment: AlignmentRecord) { configuration.alignment = alignment }

    /// Frames as a [N, S, S, 3] tensor in [0, 1]; every frame must be S × S (`frameSize`).
    public func tensor(_ frames: ArraySlice<Frame>) throws -> Tensor {
        let s = configuration.frameSize
        let size = s * s * 3
        for frame in frames where frame.width != s || frame.height != s {
            throw VisualRewardError.frameSize(width: frame.width, height: frame.height, expected: s)
        }
        let data = [Float](unsafeUninitializedCapacity: frames.count * size) { out, initialized in
            for (i, frame) in frames.enumerated() {
                frame.pixels.withUnsafeBufferPointer { pixels in
                    let target = out.baseAddress! + i * size
                    for k in 0..<size { target[k] = Float(pixels[k]) * (1 / 255) }
                }
            }
            initialized = frames.count * size
        }
        return Tensor(shape: [frames.count, s, s, 3], data: data)
    }

    /// Backbone features [N, featureSize] of frames, in batches of `batch`, outside any graph (the
    /// backbone is frozen). This is RAPL's hot path: every rollout's frames pass through it.
    public func features(_ frames: [Frame], batch: Int = 256) throws -> Tensor {
        var rows: [Float] = []
        rows.reserveCapacity(frames.count * configuration.featureSize)
        var start = 0
        while start < frames.count {
            let end = Swift.min(start + batch, frames.count)
            rows += backbone(try tensor(frames[start..<end])).data
            start = end
        }
        return Tensor(shape: [frames.count, configuration.featureSize], data: rows)
    }

    /// RAPL's embedding of backbone features: [N, featureSize] → [N, embeddingSize].
    public func embed(_ features: Tensor) -> Tensor { Tensor.linear(features, weight: head.weight, bias: head.bias) }

    /// The RLHF baseline's reward per frame: [N, featureSize] → [N].
    public func frameRewards(_ features: Tensor) -> Tensor {
        Tensor.linear(features, weight: rewardHead.weight, bias: rewardHead.bias).reshaped([features.shape[0]])
    }

    public func save(to url: URL) throws {
        try Checkpoint.save(self, kind: Self.checkpointKind, configuration: configuration, to: url)
    }

    public static func load(from url: URL) throws -> FrameEncoder {
        let (configuration, file) = try Checkpoint.read(url, kind: checkpointKind, configuration: FrameEncoderConfiguration.self)
        let encoder = FrameEncoder(configuration: configuration, seed: 0, forLoading: true)
        try encoder.load(file, strict: true)
        return encoder
    }
}

/// Errors of visual rewards; those that mean "called wrongly" are usage errors (exit 2).
public enum VisualRewardError: Error, CustomStringConvertible, UsageErrorClassifying {
    case frameSize(width: Int, height: Int, expected: Int)
    case noPrivilegedCost(task: String, terms: [String])
    case unknownTerm(task: String, term: String, terms: [String])
    case tooFewTriplets(found: Int, wanted: Int, attempts: Int)
    case noFrames(task: String)
    case encoderTask(encoder: String, task: String)

    public var isUsageError: Bool {
        switch self {
        case .noPrivilegedCost, .unknownTerm, .encoderTask, .tooFewTriplets: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case let .frameSize(width, height, expected):
            return "a \(width)×\(height) frame reached an encoder of \(expected)×\(expected) frames; render at \(expected)×\(expected)"
        case let .noPrivilegedCost(task, terms):
            return "\(task) has no default privileged cost for the simulated person; give --cost TERM+TERM from its reward terms (\(terms.joined(separator: ", ")))"
        case let .unknownTerm(task, term, terms):
            return "\(task) has no reward term '\(term)'; its terms are \(terms.joined(separator: ", "))"
        case let .tooFewTriplets(found, wanted, attempts):
            return "the simulated person kept \(found) of \(wanted) triplets in \(attempts) draws (the pool's costs rarely fall in separated bands); give a larger --pool"
        case let .noFrames(task):
            return "\(task) gave no frames to pretrain on; check that it renders"
        case let .encoderTask(encoder, task):
            return "\(encoder) was pretrained on another task's frames (\(task)); pretrain one for this task with sandbox encoder pretrain --task ID, or pass --any-task to use it anyway"
        }
    }
}
