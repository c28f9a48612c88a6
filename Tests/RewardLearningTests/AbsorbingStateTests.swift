import Foundation
import Testing
import TestSupport
import NeuralNets
import SandboxCore
import PhysicsEnvs
@testable import RewardLearning

/// Segments of `length` steps whose true per-step reward is `x0` (observation only); about half end
/// early, with a last reward of +5 when the final observation's x1 is positive and −5 otherwise, and
/// are padded with absorbing steps.
func terminatingSegments(_ count: Int, length: Int, seed: UInt64) -> [Segment] {
    var g = SeededGenerator(seed: seed)
    func observation() -> [Float] { (0..<3).map { _ in Float.random(in: -1...1, using: &g) } }
    return (0..<count).map { k in
        let real = k % 2 == 0 ? length : 1 + Int(g.next() % UInt64(length - 1))
        let observations = (0..<real).map { _ in observation() }
        let actions = (0..<real).map { _ in [Float(0)] }
        var rewards = observations.map { Double($0[0]) }
        guard real < length else { return Segment(observations: observations, actions: actions, trueRewards: rewards) }
        let final = observation()
        rewards[real - 1] = final[1] > 0 ? 5 : -5
        return Segment(observations: observations, actions: actions, trueRewards: rewards, absorbingSteps: length - real, finalObservation: final)
    }
}

@Suite("Absorbing-state rewards")
struct AbsorbingStateTests {
    @Test("the loss through segment returns with absorbing steps passes a gradient check",
          arguments: [(Endings.learned, false), (.terminal, false), (.zero, true)])
    func gradientThroughAbsorbingSteps(endings: Endings, nonPositive: Bool) {
        var g = SeededGenerator(seed: 11)
        var configuration = RewardEnsemble.Configuration(task: toySpec, usesActions: false, hiddenSizes: [4], ensembleSize: 1)
        configuration.endings = endings
        configuration.nonPositive = nonPositive
        let model = RewardEnsemble(configuration, using: &g)
        let segments = terminatingSegments(8, length: 5, seed: 12)
        #expect(segments.contains { $0.absorbingSteps > 0 })
        let pairs = (0..<4).map { PreferencePair(first: segments[2 * $0], second: segments[2 * $0 + 1], firstPreferred: [1, 0, 0.5, 1][$0]) }
        let fitter = RewardFitter()
        func loss() -> Tensor {
            let (r1, r2) = model.segmentReturns(member: 0, pairs)
            return bradleyTerryLoss(firstReturns: r1, secondReturns: r2, firstPreferred: Tensor(pairs.map(\.firstPreferred)))
        }
        let parameters = model.members[0].parameters
        for p in parameters { p.zeroGrad() }
        loss().backward()
        let epsilon: Float = 2e-3  // small enough not to cross a leaky-ReLU kink
        for (tensor, index) in [(parameters[0], 0), (parameters[0], 5), (parameters[1], 2), (parameters[2], 1), (parameters[3], 0)] {
            let analytic = tensor.grad![index]
            let original = tensor.data[index]
            tensor.updateData { $0[index] = original + epsilon }
            let plus = loss().item
            tensor.updateData { $0[index] = original - epsilon }
            let minus = loss().item
            tensor.updateData { $0[index] = original }
            #expect(abs((plus - minus) / (2 * epsilon) - analytic) < 2e-3, "analytic \(analytic), numeric \((plus - minus) / (2 * epsilon))")
        }
        // The weighted path agrees with the model's own segment returns.
        let (r1, _) = model.segmentReturns(member: 0, pairs)
        fitter.standardizeOutput(model, over: [])
        for (k, pair) in pairs.enumerated() {
            #expect(abs(r1.data[k] - model.segmentReturn(pair.first)) < 1e-4)
        }
    }

    @Test("oracle labels teach which endings are good: held on absorbing steps, or once at the termination",
          arguments: [Endings.learned, .terminal])
    func endingsAreLearned(endings: Endings) throws {
        let pairs = oraclePairs(terminatingSegments(400, length: 8, seed: 21), count: 300, returnRange: (-40, 40), seed: 22, endings: endings)
        var g = SeededGenerator(seed: 23)
        var configuration = RewardEnsemble.Configuration(task: toySpec, usesActions: false, hiddenSizes: [16], ensembleSize: 2)
        configuration.endings = endings
        let model = RewardEnsemble(configuration, using: &g)
        let report = try smallFitter(epochs: 80).fit(model, pairs: pairs, seed: 24)
        #expect(report.heldOutAccuracy > 0.75, "held-out accuracy \(report.heldOutAccuracy)")
        // Good endings (x1 > 0.3) are held at a higher reward than bad ones (x1 < −0.3).
        var rng = SeededGenerator(seed: 25)
        var good: [Float] = [], bad: [Float] = []
        for _ in 0..<200 {
            let x = (0..<3).map { _ in Float.random(in: -1...1, using: &rng) }
            guard abs(x[1]) > 0.3 else { continue }
            let r = endings == .learned ? model.absorbingRewards(finalObservations: [x])![0] : model.terminalRewards(finalObservations: [x])![0]
            if x[1] > 0 { good.append(r) } else { bad.append(r) }
        }
        let ordered = good.reduce(0) { a, r in a + bad.filter { $0 < r }.count }
        #expect(Double(ordered) / Double(good.count * bad.count) > 0.9, "good endings above bad in \(ordered) of \(good.count * bad.count) pairs")
        // Each rule pays agents in one way only; with the ending bonus off, agents are given nothing.
        #expect((model.absorbingRewards(finalObservations: [[0, 0, 0]]) == nil) == (endings == .terminal))
        #expect((model.terminalRewards(finalObservations: [[0, 0, 0]]) == nil) == (endings == .learned))
        model.configuration.endings = .off
        #expect(model.absorbingRewards(finalObservations: [[0, 0, 0]]) == nil && model.terminalRewards(finalObservations: [[0, 0, 0]]) == nil)
    }

    @Test("zero endings pin the reward's offset: being alive is learned as costly or as paying", arguments: [-0.6, 0.6])
    func zeroEndingsPinTheOffset(offset: Double) throws {
        // True reward x0 + offset on every real step, nothing after the end: with offset < 0 ending
        // early is better, with offset > 0 going on is; only the segments' real lengths tell them apart.
        let segments = terminatingSegments(400, length: 8, seed: 31).map { s in
            Segment(observations: s.observations, actions: s.actions, trueRewards: s.observations.map { Double($0[0]) + offset },
                    absorbingSteps: s.absorbingSteps, finalObservation: s.finalObservation)
        }
        let pairs = oraclePairs(segments, count: 300, returnRange: (-16, 16), seed: 32, endings: .zero)
        var g = SeededGenerator(seed: 33)
        var configuration = RewardEnsemble.Configuration(task: toySpec, usesActions: false, hiddenSizes: [16], ensembleSize: 2)
        configuration.endings = .zero
        let model = RewardEnsemble(configuration, using: &g)
        let report = try smallFitter(epochs: 80).fit(model, pairs: pairs, seed: 34)
        #expect(report.heldOutAccuracy > 0.75, "held-out accuracy \(report.heldOutAccuracy)")
        // Scaled, not shifted; absorbing steps add nothing, to the model or to agents.
        #expect(model.configuration.outputMean == 0)
        #expect(model.absorbingRewards(finalObservations: [[0, 0, 0]]) == nil)
        let ended = segments.first { $0.absorbingSteps > 0 }!
        #expect(model.rows(ended).weights.count == ended.realSteps)
        #expect(abs(model.segmentReturn(ended) - model.rewards(observations: ended.observations, actions: ended.actions).reduce(0, +)) < 1e-4)
        // The learned reward has the true offset's sign where x0 = 0, and the true reward's sign on most states.
        var rng = SeededGenerator(seed: 35)
        let states = (0..<200).map { _ in (0..<3).map { _ in Float.random(in: -1...1, using: &rng) } }
        let atZero = model.rewards(observations: states.map { [0, $0[1], $0[2]] }, actions: states.map { _ in [0] })
        #expect(atZero.filter { (Double($0) > 0) == (offset > 0) }.count > 180, "learned rewards at x0 = 0: mean \(atZero.reduce(0, +) / 200)")
        let learned = model.rewards(observations: states, actions: states.map { _ in [0] })
        let agreeing = zip(states, learned).filter { ($0[0] + Float(offset) > 0) == ($1 > 0) }.count
        #expect(agreeing > 160, "sign agrees on \(agreeing) of 200 states")
    }

    @Test("a non-positive reward fits costly survival, ranks states as the truth does and never pays for a step")
    func nonPositiveReward() throws {
        // True reward x0 − 0.6 on every real step (being alive costs), nothing after the end.
        let segments = terminatingSegments(400, length: 8, seed: 41).map { s in
            Segment(observations: s.observations, actions: s.actions, trueRewards: s.observations.map { Double($0[0]) - 0.6 },
                    absorbingSteps: s.absorbingSteps, finalObservation: s.finalObservation)
        }
        let pairs = oraclePairs(segments, count: 300, returnRange: (-16, 16), seed: 42, endings: .zero)
        var g = SeededGenerator(seed: 43)
        let configuration = RewardEnsemble.Configuration(task: toySpec, usesActions: false, hiddenSizes: [16], ensembleSize: 2,
                                                         endings: .zero, nonPositive: true)
        let model = RewardEnsemble(configuration, using: &g)
        let report = try smallFitter(epochs: 80).fit(model, pairs: pairs, seed: 44)
        #expect(report.heldOutAccuracy > 0.75, "held-out accuracy \(report.heldOutAccuracy)")
        #expect(model.configuration.outputMean == 0 && model.configuration.outputStd > 0)
        var rng = SeededGenerator(seed: 45)
        let states = (0..<200).map { _ in (0..<3).map { _ in Float.random(in: -1...1, using: &rng) } }
        let learned = model.rewards(observations: states, actions: states.map { _ in [0] })
        #expect(learned.allSatisfy { $0 <= 0 }, "largest learned reward \(learned.max()!)")
        let members = model.memberRewards(observations: states, actions: states.map { _ in [0] })
        #expect(members.allSatisfy { $0.allSatisfy { $0 <= 0 } })
        let rankCorrelation = Correlation.spearman(learned.map(Double.init), states.map { Double($0[0]) })
        #expect(rankCorrelation > 0.8, "Spearman of learned reward and x0: \(rankCorrelation)")
        // The option survives the checkpoint; models saved before it read as unbounded.
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nonpositive-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(to: url)
        let loaded = try RewardEnsemble.load(from: url)
        #expect(loaded.configuration.isNonPositive)
        #expect(loaded.rewards(observations: states, actions: states.map { _ in [0] }) == learned)
        var older = try JSONSerialization.jsonObject(with: JSONEncoder().encode(configuration)) as! [String: Any]
        older["nonPositive"] = nil
        let decoded = try JSONDecoder().decode(RewardEnsemble.Configuration.self, from: JSONSerialization.data(withJSONObject: older))
        #expect(!decoded.isNonPositive)
    }

    @Test("terminated episodes are tiled into absorbing steps; truncated ones are not")
    func segmentTiling() {
        #expect(segmentStarts(episodeLength: 120, segmentLength: 50, terminated: true) == [0, 50, 100])
        #expect(segmentStarts(episodeLength: 100, segmentLength: 50, terminated: true) == [0, 50])
        #expect(segmentStarts(episodeLength: 30, segmentLength: 50, terminated: true) == [0])
        #expect(segmentStarts(episodeLength: 120, segmentLength: 50, terminated: false) == [0, 50, 70])
        #expect(segmentStarts(episodeLength: 30, segmentLength: 50, terminated: false) == [])
    }

    @Test("a segment cut past a termination pads absorbing steps, and its clip holds the last frame")
    func cutAndClipPastTheEnd() throws {
        let environment = try Fixtures.tasks.make("LunarLanderContinuous-v1")
        // Full throttle sideways crashes or flies off well before the time limit.
        let controller = ConstantController(action: [-1, 1])
        let episode = try Rollout.run(environment, controller: controller, seed: 3, keepObservations: true)
        #expect(episode.record.terminated)
        let n = episode.record.length
        let start = Swift.max(0, n - 20)
        let segment = Segment.cut(episode, start: start, length: 50)
        #expect(segment.realSteps == n - start && segment.absorbingSteps == 50 - (n - start) && segment.length == 50)
        #expect(segment.finalObservation == episode.observations[n])
        // A segment that ends exactly at the termination keeps the final observation; one before it does not.
        let exact = Segment.cut(episode, start: n - 10, length: 10)
        #expect(exact.absorbingSteps == 0 && exact.finalObservation == episode.observations[n])
        #expect(Segment.cut(episode, start: n - 11, length: 10).finalObservation == nil)
        #expect(segment.paddedTrueRewards.count == 50 && segment.paddedTrueRewards.suffix(segment.absorbingSteps).allSatisfy { $0 == -100 || $0 == 100 })
        let clip = try Rollout.segment(of: episode.record, in: Fixtures.tasks, start: start, length: 50, renderSize: try RenderSize(width: 60, height: 40))
        #expect(clip.frames.count == 51 && clip.termTrace.count == 50)
        #expect(clip.frames.last!.pixels == clip.frames[n - start].pixels)
        #expect(clip.termTrace.last!.allSatisfy { $0 == 0 })
        #expect(clip.endFrame == n - start)
        // A truncated episode cannot run past its end.
        var truncated = episode.record
        truncated.terminated = false
        #expect(throws: RecordError.self) { try Rollout.segment(of: truncated, in: Fixtures.tasks, start: start, length: 50, renderSize: try RenderSize(width: 60, height: 40)) }
    }
}

/// Always the same action.
final class ConstantController: Controller {
    let action: [Float]
    init(action: [Float]) { self.action = action }
    func action(for observation: [Float]) -> [Float] { action }
}
