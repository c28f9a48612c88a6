import Foundation
import Testing
import NeuralNets
import PhysicsEnvs
@testable import RewardLearning

/// Segments of `length` steps whose true per-step reward is `offset + x0` (observation only); about
/// half end early in a termination and are padded with absorbing steps (true reward 0).
func terminatingSegments(_ count: Int, length: Int, offset: Double, seed: UInt64) -> [Segment] {
    var g = SeededGenerator(seed: seed)
    return (0..<count).map { k in
        let real = k % 2 == 0 ? length : 1 + Int(g.next() % UInt64(length - 1))
        let observations = (0..<real).map { _ in (0..<3).map { _ in Float.random(in: -1...1, using: &g) } }
        let actions = (0..<real).map { _ in [Float(0)] }
        let rewards = observations.map { offset + Double($0[0]) }
        return Segment(observations: observations, actions: actions, trueRewards: rewards, absorbingSteps: length - real)
    }
}

@Suite("Absorbing-state rewards")
struct AbsorbingStateTests {
    @Test("the loss through segment returns with absorbing steps passes a gradient check")
    func gradientThroughAbsorbingSteps() {
        var g = SeededGenerator(seed: 11)
        let model = RewardEnsemble(.init(task: toySpec, usesActions: false, hiddenSizes: [4], ensembleSize: 1), using: &g)
        model.absorbingRewards[0].assign([0.3])
        let segments = terminatingSegments(8, length: 5, offset: 0, seed: 12)
        let pairs = (0..<4).map { PreferencePair(first: segments[2 * $0], second: segments[2 * $0 + 1], firstPreferred: [1, 0, 0.5, 1][$0]) }
        let fitter = RewardFitter()
        func loss() -> Tensor {
            let (r1, r2) = fitter.returns(member: 0, model, pairs)
            return bradleyTerryLoss(firstReturns: r1, secondReturns: r2, firstPreferred: Tensor(pairs.map(\.firstPreferred)))
        }
        let parameters = model.parameters(ofMember: 0)
        for p in parameters { p.zeroGrad() }
        loss().backward()
        let epsilon: Float = 1e-2
        // The absorbing reward, and a few weights of the first layer.
        for (tensor, index) in [(model.absorbingRewards[0], 0), (parameters[0], 0), (parameters[0], 5), (parameters[1], 2)] {
            let analytic = tensor.grad![index]
            let original = tensor.data[index]
            tensor.updateData { $0[index] = original + epsilon }
            let plus = loss().item
            tensor.updateData { $0[index] = original - epsilon }
            let minus = loss().item
            tensor.updateData { $0[index] = original }
            #expect(abs((plus - minus) / (2 * epsilon) - analytic) < 2e-3, "analytic \(analytic), numeric \((plus - minus) / (2 * epsilon))")
        }
        #expect(abs(model.absorbingRewards[0].grad![0]) > 1e-4, "the absorbing reward gets a gradient")
    }

    @Test("oracle labels set the absorbing reward, and it becomes the agent's zero")
    func absorbingRewardIsTheZero() throws {
        // True reward 0.5 + x0: mostly positive, so going on beats ending for most states. Centring on
        // the labelled states' mean would make a third of those states look worse than ending.
        let segments = terminatingSegments(400, length: 8, offset: 0.5, seed: 21)
        var teacher = SimulatedTeacher(.init(), seed: 22)
        var pairs: [PreferencePair] = []
        for k in 0..<300 {
            let a = segments[(2 * k) % segments.count], b = segments[(2 * k + 1) % segments.count]
            if let pair = PreferencePair(first: a, second: b, answer: teacher.answer(first: a.paddedTrueRewards, second: b.paddedTrueRewards, returnRange: (-8, 12))) {
                pairs.append(pair)
            }
        }
        var g = SeededGenerator(seed: 23)
        let model = RewardEnsemble(.init(task: toySpec, usesActions: false, hiddenSizes: [16], ensembleSize: 2), using: &g)
        var fitter = RewardFitter()
        fitter.configuration.epochs = 80
        fitter.configuration.batchSize = 32
        fitter.configuration.learningRate = 3e-3
        let report = try fitter.fit(model, pairs: pairs, seed: 24)
        #expect(report.heldOutAccuracy > 0.85, "held-out accuracy \(report.heldOutAccuracy)")
        #expect(abs(model.absorbingReward) < 1e-5, "absorbing steps are the agent's zero")
        // The sign of the learned reward says whether a state beats ending the episode.
        var rng = SeededGenerator(seed: 25)
        var agree = 0, total = 0
        for _ in 0..<400 {
            let x = (0..<3).map { _ in Float.random(in: -1...1, using: &rng) }
            let truth = 0.5 + Double(x[0])
            guard abs(truth) > 0.25 else { continue }
            let learned = model.rewards(observations: [x], actions: [[0]])[0]
            if (learned > 0) == (truth > 0) { agree += 1 }
            total += 1
        }
        #expect(Double(agree) / Double(total) > 0.9, "signs agree on \(agree) of \(total) states")
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
        let environment = try TaskRegistry.make("LunarLanderContinuous-v1")
        // Full throttle sideways crashes or flies off well before the time limit.
        let controller = ConstantController(action: [-1, 1])
        let episode = try Rollout.run(environment, controller: controller, seed: 3, keepObservations: true)
        #expect(episode.record.terminated)
        let n = episode.record.length
        let start = Swift.max(0, n - 20)
        let segment = Segment.cut(episode, start: start, length: 50)
        #expect(segment.realSteps == n - start && segment.absorbingSteps == 50 - (n - start) && segment.length == 50)
        #expect(segment.paddedTrueRewards.count == 50 && segment.paddedTrueRewards.suffix(segment.absorbingSteps).allSatisfy { $0 == 0 })
        let clip = try Rollout.segment(of: episode.record, start: start, length: 50, renderSize: try RenderSize(width: 60, height: 40))
        #expect(clip.frames.count == 51 && clip.termTrace.count == 50)
        #expect(clip.frames.last!.pixels == clip.frames[n - start].pixels)
        #expect(clip.termTrace.last!.allSatisfy { $0 == 0 })
        // A truncated episode cannot run past its end.
        var truncated = episode.record
        truncated.terminated = false
        #expect(throws: RecordError.self) { try Rollout.segment(of: truncated, start: start, length: 50, renderSize: try RenderSize(width: 60, height: 40)) }
    }
}

/// Always the same action.
final class ConstantController: Controller {
    let action: [Float]
    init(action: [Float]) { self.action = action }
    func action(for observation: [Float]) -> [Float] { action }
}
