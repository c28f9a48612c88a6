import Foundation
import Testing
import TestSupport
import SandboxCore
@testable import Agents

/// The point task's own reward, −|position − target| after each step, computed from a whole episode's
/// observations; it keeps every trace it scored.
final class PointEpisodeReward: EpisodeReward {
    let frameSize: RenderSize?
    private(set) var scored: [EpisodeTrace] = []
    init(frameSize: RenderSize? = nil) { self.frameSize = frameSize }
    var summary: String { "point distance" }
    func rewards(for episode: EpisodeTrace) -> [Float] {
        scored.append(episode)
        return episode.observations.dropFirst().map { -abs($0[0] - $0[1]) }
    }
}

/// The README's example of an episode reward ("From Swift").
final class StayNearTarget: EpisodeReward {
    var summary: String { "distance to the target" }
    var frameSize: RenderSize? { try? RenderSize(width: 96, height: 64) }  // nil: no frames rendered
    func rewards(for episode: EpisodeTrace) -> [Float] {
        // one reward per step; episode.frames[k] shows episode.observations[k]
        episode.observations.dropFirst().map { -abs($0[0]) }
    }
}

@Suite("Episode rewards")
struct EpisodeRewardTests {
    @Test("the README's episode reward trains PPO on the lander for a rollout")
    func readmeExample() throws {
        var configuration = PPO.Configuration()
        configuration.stepsPerEnvironment = 128
        configuration.minibatchSize = 64
        configuration.epochs = 1
        let ppo = try PPO(task: "LunarLanderContinuous-v1", in: Fixtures.tasks, configuration: configuration,
                          reward: .episode(StayNearTarget()), seed: 1, totalSteps: 128)
        let metrics = try ppo.iterate()
        #expect(metrics["losses/value_loss"]?.isFinite == true)
    }

    @Test("PPO trains on whole-episode scores: episodes that span rollouts get exactly the task's reward")
    func ppoScoresEpisodes() throws {
        var configuration = PPO.Configuration()
        configuration.environmentCount = 2
        configuration.stepsPerEnvironment = 30  // episodes of 20 steps span rollouts
        configuration.minibatchSize = 20
        configuration.hiddenSizes = [16]
        let reward = PointEpisodeReward()
        let ppo = try PPO(makeEnvironment: { PointTask() }, configuration: configuration, reward: .episode(reward), seed: 3, totalSteps: 600)
        var finished: [EpisodeStatistics] = []
        for _ in 0..<4 {
            _ = try ppo.iterate()
            finished += ppo.drainFinishedEpisodes()
        }
        #expect(finished.count >= 8)
        for episode in finished {
            #expect(episode.length == 20)
            #expect(episode.trainingReturn == episode.trueReturn)
        }
        // Finished episodes are scored whole; unfinished ones at each rollout's end, as far as they went.
        #expect(reward.scored.contains { $0.stepCount == 20 && !$0.isTerminated })
        #expect(reward.scored.contains { $0.stepCount == 10 })
        for trace in reward.scored { #expect(trace.observations.count == trace.stepCount + 1 && trace.frames.isEmpty) }
    }

    @Test("PPO learns to drive the point from an episode reward, as from the task's reward")
    func ppoLearnsFromEpisodeReward() throws {
        let ppo = try PPO(makeEnvironment: { PointTask() }, configuration: AgentTests.tinyPPO(seed: 1), reward: .episode(PointEpisodeReward()),
                          seed: 1, totalSteps: 30_000)
        let before = try evaluate(ppo.policy)
        while ppo.globalStep < 30_000 { _ = try ppo.iterate() }
        let after = try evaluate(ppo.policy)
        #expect(after > -2.5, "PPO's mean return after training: \(after) (before \(before))")
    }

    @Test("SAC relabels an episode's transitions with its scores when it ends")
    func sacRelabelsEpisodes() throws {
        var configuration = SAC.Configuration()
        configuration.hiddenSizes = [16]
        configuration.learningStarts = 1000
        let reward = PointEpisodeReward()
        let sac = try SAC(environment: PointTask(), configuration: configuration, reward: .episode(reward), seed: 4, totalSteps: 100)
        try sac.collect(steps: 45)
        // Two finished episodes carry the task's rewards; the third, under way, still holds 0.
        for slot in 0..<40 { #expect(sac.replayBuffer.reward(at: slot) == Float(sac.replayBuffer.taskRewards[slot])) }
        for slot in 40..<45 { #expect(sac.replayBuffer.reward(at: slot) == 0) }
        let finished = sac.drainFinishedEpisodes()
        #expect(finished.count == 2)
        for episode in finished { #expect(abs(episode.trainingReturn - episode.trueReturn) < 1e-5) }
        // Relabelling after a refit keeps the scores.
        sac.relabelReplayBuffer()
        #expect(sac.replayBuffer.reward(at: 0) == Float(sac.replayBuffer.taskRewards[0]))
    }

    @Test("a reward that reads frames gets one per observation, at its size, from either agent")
    func framesReachTheReward() throws {
        let size = try RenderSize(width: 12, height: 8)
        var ppoConfiguration = PPO.Configuration()
        ppoConfiguration.environmentCount = 2
        ppoConfiguration.stepsPerEnvironment = 25
        ppoConfiguration.minibatchSize = 25
        ppoConfiguration.hiddenSizes = [8]
        let ppoReward = PointEpisodeReward(frameSize: size)
        let ppo = try PPO(makeEnvironment: { PointTask() }, configuration: ppoConfiguration, reward: .episode(ppoReward), seed: 5, totalSteps: 50)
        _ = try ppo.iterate()
        var sacConfiguration = SAC.Configuration()
        sacConfiguration.hiddenSizes = [8]
        let sacReward = PointEpisodeReward(frameSize: size)
        let sac = try SAC(environment: PointTask(), configuration: sacConfiguration, reward: .episode(sacReward), seed: 6, totalSteps: 50)
        try sac.collect(steps: 20)
        for trace in ppoReward.scored + sacReward.scored {
            #expect(trace.frames.count == trace.observations.count)
            #expect(trace.frames.allSatisfy { $0.width == 12 && $0.height == 8 })
        }
        #expect(!sacReward.scored.isEmpty && !ppoReward.scored.isEmpty)
    }
}
