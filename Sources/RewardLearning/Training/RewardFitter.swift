import Foundation
import NeuralNets
import SandboxCore

/// Fits a reward ensemble to labelled pairs under a preference model (by default Bradley–Terry on
/// partial returns). The fitter owns the optimisation (shuffles, minibatches, Adam, held-out accuracy,
/// normalisation); the preference model owns the loss, so it does not know which loss it trains.
public struct RewardFitter {
    public struct Configuration: Codable, Sendable {
        /// Adam learning rate (PEBBLE: 3e-4).
        public var learningRate: Float = 3e-4
        /// Pairs per minibatch (PEBBLE: 128).
        public var batchSize = 128
        public var epochs = 50
        /// Fraction of pairs held out to measure label accuracy.
        public var heldOutFraction = 0.2
        public init() {}
    }

    public struct Report: Sendable {
        public var trainingLoss: Double
        /// Agreement of the ensemble's mean prediction with held-out non-equal labels.
        public var heldOutAccuracy: Double
        public var heldOutPairs: Int
        public var trainingPairs: Int
        /// Pair-updates per second (pairs × members per second of training).
        public var pairUpdatesPerSecond: Double
    }

    public var configuration: Configuration
    /// How a choice relates to the reward: the loss minimised.
    public var preferenceModel: any PreferenceModel

    public init(configuration: Configuration = Configuration(), preferenceModel: any PreferenceModel = PartialReturnModel()) {
        self.configuration = configuration
        self.preferenceModel = preferenceModel
    }

    /// Sets the model's input normalisation from the data, fits each member on its own shuffles of the
    /// training pairs, then standardises the output over the data. Deterministic for a seed.
    /// With `updateNormalization` false the input normalisation is kept (refits in a loop continue
    /// training the same networks, whose inputs must keep their meaning).
    /// `onEpoch` is called after each member's epoch (members × epochs times) with its mean loss, for progress.
    public func fit(_ model: RewardEnsemble, pairs: [PreferencePair], seed: UInt64, updateNormalization: Bool = true,
                    onEpoch: (Double) -> Void = { _ in }) throws -> Report {
        guard !pairs.isEmpty else { throw AgentLabelError.noLabels }
        var generator = SeededGenerator(seed: seed)
        var order = Array(pairs.indices)
        order.shuffle(using: &generator)
        let heldOut = pairs.count >= 5 ? Int((Double(pairs.count) * configuration.heldOutFraction).rounded()) : 0
        let validation = Array(order.prefix(heldOut)).map { pairs[$0] }
        let training = Array(order.dropFirst(heldOut)).map { pairs[$0] }

        if updateNormalization { setInputNormalization(model, from: training) }
        let start = Date()
        var lastLoss = 0.0
        for (index, member) in model.members.enumerated() {
            let adam = Adam(parameters: member.parameters, configuration: .init(learningRate: configuration.learningRate))
            for _ in 0..<configuration.epochs {
                var indices = Array(training.indices)
                indices.shuffle(using: &generator)
                var batchStart = 0
                var epochLoss = 0.0, batches = 0
                while batchStart < indices.count {
                    let batch = indices[batchStart..<Swift.min(batchStart + configuration.batchSize, indices.count)].map { training[$0] }
                    batchStart += configuration.batchSize
                    let loss = preferenceModel.loss(member: index, of: model, on: batch)
                    adam.zeroGrad()
                    loss.backward()
                    adam.step()
                    epochLoss += Double(loss.item)
                    batches += 1
                }
                lastLoss = epochLoss / Double(Swift.max(batches, 1))
                onEpoch(lastLoss)
            }
        }
        let seconds = Date().timeIntervalSince(start)
        standardizeOutput(model, over: training)
        let accuracy = Self.accuracy(model, validation.isEmpty ? training : validation)
        return Report(trainingLoss: lastLoss, heldOutAccuracy: accuracy, heldOutPairs: validation.count, trainingPairs: training.count,
                      pairUpdatesPerSecond: Double(training.count * configuration.epochs * model.members.count) / Swift.max(seconds, 1e-9))
    }

    func setInputNormalization(_ model: RewardEnsemble, from pairs: [PreferencePair]) {
        let c = model.configuration
        var sum = [Double](repeating: 0, count: c.featureSize), square = sum
        var n = 0.0
        for pair in pairs {
            for segment in [pair.first, pair.second] {
                for (o, a) in zip(segment.observations, segment.actions) {
                    let row = c.usesActions ? o + a : o
                    for i in 0..<c.featureSize { sum[i] += Double(row[i]); square[i] += Double(row[i]) * Double(row[i]) }
                    n += 1
                }
            }
        }
        guard n > 1 else { return }
        model.configuration.inputMean = sum.map { Float($0 / n) }
        // Rounding can make E[x²] − E[x]² slightly negative for a constant input (then √ is NaN).
        model.configuration.inputStd = zip(sum, square).map { s, q in Float(Swift.max(Swift.max(q / n - (s / n) * (s / n), 0).squareRoot(), 1e-3)) }
    }

    /// Sets the reward's offset and scale for the agent: mean 0 and standard deviation 1 over the
    /// labelled states. Preferences between segments of one length leave the offset free; agents
    /// that add the absorbing reward at terminations (`RewardModel.absorbingRewards`) are not
    /// affected by it. Under `.zero` and `.terminal` endings the offset is pinned by the absorbing steps' 0, so the
    /// reward is only scaled (standard deviation 1), never shifted.
    func standardizeOutput(_ model: RewardEnsemble, over pairs: [PreferencePair]) {
        model.configuration.outputMean = 0
        model.configuration.outputStd = 1
        let segments = pairs.flatMap { [$0.first, $0.second] }
        let rewards = model.rewards(observations: segments.flatMap(\.observations), actions: segments.flatMap(\.actions))
        guard rewards.count > 1 else { return }
        let mean = rewards.reduce(0, +) / Float(rewards.count)
        let std = (rewards.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(rewards.count)).squareRoot()
        model.configuration.outputMean = model.configuration.endingRule.pinsOffset ? 0 : mean
        model.configuration.outputStd = Swift.max(std, 1e-6)
    }

    /// Fraction of non-equal labels whose preferred segment has the higher learned return.
    public static func accuracy(_ model: RewardEnsemble, _ pairs: [PreferencePair]) -> Double {
        let decided = pairs.filter { $0.firstPreferred != 0.5 }
        guard !decided.isEmpty else { return .nan }
        var correct = 0
        for pair in decided {
            let r1 = model.segmentReturn(pair.first), r2 = model.segmentReturn(pair.second)
            if (r1 > r2) == (pair.firstPreferred == 1) { correct += 1 }
        }
        return Double(correct) / Double(decided.count)
    }
}

public enum AgentLabelError: Error, CustomStringConvertible {
    case noLabels
    public var description: String { "no answered pair queries to learn from; answer some queries first (sandbox label) or import them" }
}
