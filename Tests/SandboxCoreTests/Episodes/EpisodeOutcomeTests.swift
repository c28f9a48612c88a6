import Foundation
import Testing
import TestSupport
@testable import SandboxCore
import PhysicsEnvs

@Suite("How episodes end")
struct EpisodeOutcomeTests {
    @Test("a rollout says how its episode ended: the task's reason, the time limit, or still running")
    func rolloutOutcomes() throws {
        let lander = try LunarLander()
        let landed = try Rollout.run(lander, controller: lander.makeHeuristic(), seed: 1)
        #expect(landed.outcome == .terminated(reason: "landed"))
        #expect(landed.outcome.description == "landed")
        let random = try Rollout.run(lander, controller: RandomController(space: lander.spec.actionSpace, seed: 5), seed: 2)
        #expect(random.record.terminated)
        #expect(["crashed", "flew off screen"].contains(random.outcome.description))
        // The point task only ever hits its time limit; it names no reason of its own.
        let point = PointTask()
        let truncated = try Rollout.run(point, controller: RandomController(space: point.spec.actionSpace, seed: 3), seed: 3)
        #expect(truncated.outcome == .truncated && truncated.outcome.description == "time limit")
        #expect(point.terminationReason == "ended")
        let stopped = try Rollout.run(lander, controller: lander.makeHeuristic(), seed: 1, maxSteps: 5)
        #expect(stopped.outcome == .running && !stopped.outcome.hasEnded)
    }

    @Test("every built-in task names why its episodes terminate", arguments: Fixtures.tasks.ids)
    func tasksNameTheirReasons(id: String) throws {
        let environment = try Fixtures.tasks.make(id)
        for seed: UInt64 in 0..<3 {
            let controller = seed == 0 ? environment.makeHeuristic() : RandomController(space: environment.spec.actionSpace, seed: seed)
            let episode = try Rollout.run(environment, controller: controller, seed: seed, maxSteps: 400)
            if episode.record.terminated {
                guard case .terminated(let reason) = episode.outcome else { Issue.record("\(id): \(episode.outcome)"); continue }
                #expect(reason != "ended", "\(id) should say why it terminated")
            }
        }
    }

    @Test("replays and segments recompute the outcome, so records need not store it")
    func replayedOutcomes() throws {
        let lander = try LunarLander()
        let episode = try Rollout.run(lander, controller: lander.makeHeuristic(), seed: 1)
        let record = episode.record
        #expect(try Rollout.replay(record, in: Fixtures.tasks).episode.outcome == .terminated(reason: "landed"))
        let size = try RenderSize(width: 24, height: 16)
        let middle = try Rollout.segment(of: record, in: Fixtures.tasks, start: 10, length: 20, renderSize: size)
        #expect(middle.outcome == .running && middle.endFrame == nil)
        let last = try Rollout.segment(of: record, in: Fixtures.tasks, start: record.length - 20, length: 20, renderSize: size)
        #expect(last.outcome == .terminated(reason: "landed") && last.endFrame == nil)
        let past = try Rollout.segment(of: record, in: Fixtures.tasks, start: record.length - 10, length: 20, renderSize: size)
        #expect(past.outcome == .terminated(reason: "landed") && past.endFrame == 10)
    }

    @Test("a segment's return is the sum of its reward terms, and its running return ends there")
    func segmentReturns() throws {
        let lander = try LunarLander()
        let record = try Rollout.run(lander, controller: lander.makeHeuristic(), seed: 4, maxSteps: 60).record
        let segment = try Rollout.segment(of: record, in: Fixtures.tasks, start: 20, length: 30, renderSize: RenderSize(width: 24, height: 16))
        let cumulative = segment.cumulativeReturns
        #expect(cumulative.count == segment.frames.count && cumulative.first == 0)
        #expect(abs(cumulative.last! - segment.segmentReturn) < 1e-9)
        #expect(abs(segment.segmentReturn - segment.termTrace.flatMap { $0 }.reduce(0, +)) < 1e-9)
    }
}
