import Foundation
import Testing
import TestSupport
import NeuralNets
import SandboxCore
import PhysicsEnvs
@testable import Agents

@Suite("Agents")
struct AgentTests {
    @Test("GAE matches values computed by hand")
    func gae() {
        // One copy, three steps; the episode ends after step 2 (index 1).
        let rewards = [[1.0], [2.0], [3.0]], values = [[0.5], [1.0], [1.5]], dones = [[false], [true], [false]]
        let (advantages, returns) = generalizedAdvantages(rewards: rewards, values: values, dones: dones,
                                                          lastValues: [2.0], gamma: 0.9, lambda: 0.8)
        // t=2: δ = 3 + 0.9·2 − 1.5 = 3.3, A = 3.3
        // t=1: δ = 2 − 1 = 1 (done: no bootstrap), A = 1
        // t=0: δ = 1 + 0.9·1 − 0.5 = 1.4, A = 1.4 + 0.9·0.8·1 = 2.12
        #expect(abs(advantages[2][0] - 3.3) < 1e-12)
        #expect(abs(advantages[1][0] - 1.0) < 1e-12)
        #expect(abs(advantages[0][0] - 2.12) < 1e-12)
        #expect(abs(returns[0][0] - 2.62) < 1e-12)
        // A truncated step adds γ·V(final observation) to its reward.
        let truncated = generalizedAdvantages(rewards: [[1.0]], values: [[0.0]], dones: [[true]], terminalValues: [[4.0]],
                                              lastValues: [100], gamma: 0.5, lambda: 1)
        #expect(abs(truncated.advantages[0][0] - 3.0) < 1e-12)
    }

    @Test("hyperparameters are set by name, and a wrong name or value says what fits")
    func settingHyperparameters() throws {
        var generator = SeededGenerator(seed: 11)
        let rate = Float(Int.random(in: 1...9, using: &generator)) * 1e-4
        let sac = try SAC.Configuration.tuned(for: "LunarLanderContinuous")
            .setting(["annealLearningRate=false", "learningRate=\(rate)", "hiddenSizes=[64,32]", "activation=tanh"])
        var expected = SAC.Configuration.tuned(for: "LunarLanderContinuous")
        expected.annealLearningRate = false; expected.learningRate = rate; expected.hiddenSizes = [64, 32]; expected.activation = .tanh
        #expect(sac == expected)
        // An optional hyperparameter that is unset (left out of the JSON) can still be set.
        #expect(PPO.Configuration().valueClipRange == nil)
        #expect(try PPO.Configuration().setting(["valueClipRange=0.2"]).valueClipRange == 0.2)
        #expect(try PPO.Configuration().setting([]) == PPO.Configuration())
        for (assignment, fragment) in [("gama=0.9", "known: activation, annealLearningRate"), ("gamma=high", "like its current one, 0.99"),
                                       ("batchSize=1.5", "like its current one, 256"), ("learningRate", "KEY=VALUE")] {
            #expect {
                try SAC.Configuration().setting([assignment])
            } throws: { error in
                (error as? HyperparameterError)?.description.contains(fragment) == true
            }
        }
    }

    @Test("hyperparameters a trainer cannot hold are refused before it is made (issue 23)")
    func impossibleHyperparameters() throws {
        #expect(throws: HyperparameterError.self) { try PPO.Configuration().setting(["environmentCount=9223372036854775807", "stepsPerEnvironment=2"]) }
        var overflowing = PPO.Configuration()
        overflowing.environmentCount = .max
        overflowing.stepsPerEnvironment = 2
        #expect(throws: HyperparameterError.self) { try overflowing.validate() }
        #expect(throws: HyperparameterError.self) { try PPO.Configuration().setting(["hiddenSizes=[64,0]"]) }
        #expect(throws: HyperparameterError.self) { try SAC.Configuration().setting(["hiddenSizes=[-1]"]) }
        try AgentSettings.tuned(.sac, for: "LunarLanderContinuous").validate()
    }

    static func tinyPPO(seed: UInt64) -> PPO.Configuration {
        var c = PPO.Configuration()
        c.environmentCount = 4; c.stepsPerEnvironment = 64; c.minibatchSize = 64; c.epochs = 4
        c.hiddenSizes = [32, 32]; c.learningRate = 3e-3; c.gamma = 0.9; c.logStdInit = -0.5
        return c
    }

    @Test("PPO's step budget rounds up to whole rollouts")
    func rolloutRounding() {
        var generator = SeededGenerator(seed: 5)
        var c = PPO.Configuration()
        c.environmentCount = 16; c.stepsPerEnvironment = 1024
        #expect(c.rolloutSize == 16_384)
        #expect(c.stepsRun(budget: 1000) == 16_384)
        #expect(c.stepsRun(budget: 16_384) == 16_384)
        #expect(c.stepsRun(budget: 1_000_000) == 1_015_808)
        let budget = Int.random(in: 1...100_000, using: &generator)
        let steps = c.stepsRun(budget: budget)
        #expect(steps >= budget && steps - budget < c.rolloutSize && steps % c.rolloutSize == 0)
    }

    @Test("PPO learns to drive a point to its target within seconds")
    func ppoLearns() throws {
        let ppo = try PPO(makeEnvironment: { PointTask() }, configuration: Self.tinyPPO(seed: 1), seed: 1, totalSteps: 30_000)
        let before = try evaluate(ppo.policy)
        while ppo.globalStep < 30_000 { _ = try ppo.iterate() }
        let after = try evaluate(ppo.policy)
        #expect(after > -2.5, "PPO's mean return after training: \(after) (before \(before))")
        #expect(after > before + 2)
    }

    @Test("SAC learns to drive a point to its target within seconds")
    func sacLearns() throws {
        var c = SAC.Configuration()
        c.hiddenSizes = [32, 32]; c.learningStarts = 200; c.batchSize = 64; c.learningRate = 3e-3; c.gamma = 0.9
        let sac = try SAC(environment: PointTask(), configuration: c, seed: 2, totalSteps: 3000)
        sac.stepsPerIteration = 500
        let before = try evaluate(sac.policy)
        while sac.globalStep < 3000 { _ = try sac.iterate() }
        let after = try evaluate(sac.policy)
        #expect(after > -2.5, "SAC's mean return after training: \(after) (before \(before))")
        #expect(after > before + 2)
    }

    @Test("the same seed gives the same first updates")
    func determinism() throws {
        func firstMetrics() throws -> ([String: Double], [Float]) {
            let ppo = try PPO(makeEnvironment: { PointTask() }, configuration: Self.tinyPPO(seed: 3), seed: 3, totalSteps: 1000)
            let metrics = try ppo.iterate()
            return (metrics.filter { $0.key.hasPrefix("losses/") }, ppo.policy.parameters.flatMap(\.data))
        }
        let (a, pa) = try firstMetrics(), (b, pb) = try firstMetrics()
        #expect(a == b)
        #expect(pa == pb)
        var c = SAC.Configuration()
        c.hiddenSizes = [16]; c.learningStarts = 50; c.batchSize = 16
        let s1 = try SAC(environment: PointTask(), configuration: c, seed: 4, totalSteps: 200)
        let s2 = try SAC(environment: PointTask(), configuration: c, seed: 4, totalSteps: 200)
        s1.stepsPerIteration = 100; s2.stepsPerIteration = 100
        _ = try s1.iterate(); _ = try s1.iterate()
        _ = try s2.iterate(); _ = try s2.iterate()
        #expect(s1.policy.parameters.flatMap(\.data) == s2.policy.parameters.flatMap(\.data))
    }

    func temporaryURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-agents-\(UUID().uuidString)-\(name)")
    }

    @Test("policy checkpoints round-trip: load then act reproduces the actions exactly")
    func checkpointRoundTrip() throws {
        var c = PPO.Configuration()
        c.environmentCount = 2; c.stepsPerEnvironment = 64; c.normalizeObservations = true; c.hiddenSizes = [8]
        let ppo = try PPO(task: "LunarLanderContinuous-v1", in: Fixtures.tasks, configuration: c, seed: 5, totalSteps: 1000)
        _ = try ppo.iterate()
        let url = temporaryURL("policy.safetensors")
        try ppo.policy.save(to: url)
        let loaded = try Policy.load(from: url)
        let environment = try loaded.makeEnvironment(in: Fixtures.tasks)
        var observation = environment.reset(seed: 9)
        for _ in 0..<50 {
            let a = ppo.policy.action(for: observation), b = loaded.action(for: observation)
            #expect(a == b)
            observation = try environment.step(a).observation
        }
        // SAC's squashed policy too, from a full training checkpoint.
        var s = SAC.Configuration()
        s.hiddenSizes = [8]; s.learningStarts = 10; s.batchSize = 8
        let sac = try SAC(task: "LunarLanderContinuous-v1", in: Fixtures.tasks, configuration: s, seed: 6, totalSteps: 100)
        sac.stepsPerIteration = 40
        _ = try sac.iterate()
        let state = temporaryURL("sac.safetensors")
        try sac.saveState(to: state)
        let sacPolicy = try Policy.load(from: state)
        #expect(sacPolicy.action(for: observation) == sac.policy.action(for: observation))
        // Resuming restores the step count and the networks.
        let resumed = try SAC(task: "LunarLanderContinuous-v1", in: Fixtures.tasks, configuration: s, seed: 99, totalSteps: 100)
        try resumed.loadState(from: state)
        #expect(resumed.globalStep == sac.globalStep)
        #expect(resumed.critics[1].parameters.flatMap(\.data) == sac.critics[1].parameters.flatMap(\.data))
    }

    @Test("corrupt and mismatched checkpoints are refused clearly")
    func refusals() throws {
        var c = PPO.Configuration()
        c.environmentCount = 1; c.stepsPerEnvironment = 64; c.hiddenSizes = [8]
        let ppo = try PPO(task: "LunarLanderContinuous-v1", in: Fixtures.tasks, configuration: c, seed: 7, totalSteps: 100)
        let url = temporaryURL("state.safetensors")
        try ppo.saveState(to: url)
        // A different architecture.
        c.hiddenSizes = [16]
        let other = try PPO(task: "LunarLanderContinuous-v1", in: Fixtures.tasks, configuration: c, seed: 7, totalSteps: 100)
        #expect(throws: AgentError.self) { try other.loadState(from: url) }
        // Another algorithm's loader.
        var s = SAC.Configuration(); s.hiddenSizes = [8]
        let sac = try SAC(task: "LunarLanderContinuous-v1", in: Fixtures.tasks, configuration: s, seed: 1, totalSteps: 10)
        #expect(throws: (any Error).self) { try sac.loadState(from: url) }
        // A truncated file.
        let data = try Data(contentsOf: url)
        let truncated = temporaryURL("truncated.safetensors")
        try data.prefix(data.count / 2).write(to: truncated)
        do {
            _ = try Policy.load(from: truncated)
            Issue.record("a truncated checkpoint loaded")
        } catch let error as CheckpointError {
            #expect(error.description.contains("truncated"))
        }
        // A policy-only file cannot resume training.
        let policyOnly = temporaryURL("policy.safetensors")
        c.hiddenSizes = [8]
        try ppo.policy.save(to: policyOnly)
        #expect(throws: AgentError.self) { try ppo.loadState(from: policyOnly) }
    }

    @Test("reward sources: terms weights and parse errors")
    func rewardSources() throws {
        let spec = try Fixtures.tasks.spec(for: "LunarLanderContinuous-v1")
        let source = try RewardSource.parse("terms:main_engine=2,landing=1", spec: spec)
        var terms = [Double](repeating: 0, count: spec.rewardTerms.count)
        terms[spec.rewardTerms.firstIndex(of: "main_engine")!] = -0.3
        terms[spec.rewardTerms.firstIndex(of: "landing")!] = 100
        let r = source.rewards(spec: spec, observations: [[]], actions: [[]], taskRewards: [5], terms: [terms])
        #expect(abs(r[0] - 99.4) < 1e-12)
        #expect(throws: AgentError.self) { try RewardSource.parse("terms:fuel=1", spec: spec) }
        #expect(throws: AgentError.self) { try RewardSource.parse("terms:main_engine", spec: spec) }
        #expect(throws: AgentError.self) { try RewardSource.parse("learned", spec: spec) }
    }

    @Test("the replay buffer samples stored transitions and relabels rewards")
    func replayBuffer() {
        let buffer = ReplayBuffer(capacity: 3, observationSize: 1, actionSize: 1)
        for i in 0..<5 { buffer.add(observation: [Float(i)], action: [0], reward: Float(i), nextObservation: [Float(i + 1)], terminated: i == 4) }
        #expect(buffer.count == 3)
        var g = SeededGenerator(seed: 1)
        let batch = buffer.sample(50, using: &g)
        #expect(Set(batch.observations).isSubset(of: [2, 3, 4]))
        #expect(zip(batch.observations, batch.rewards).allSatisfy { $0 == $1 })
        buffer.relabel { observations, _, _, _, _, _ in observations.map { $0[0] * 10 } }
        let relabelled = buffer.sample(20, using: &g)
        #expect(zip(relabelled.observations, relabelled.rewards).allSatisfy { $0 * 10 == $1 })
    }

    @Test("running statistics match the batch formulas")
    func runningStatistics() {
        var rms = RunningMeanStd(size: 1)
        let data: [[Float]] = (0..<100).map { [Float($0)] }
        rms.update(Array(data[..<30]))
        rms.update(Array(data[30...]))
        #expect(abs(rms.mean[0] - 49.5) < 1e-3)
        #expect(abs(rms.variance[0] - 833.25) < 0.5)
    }
}

/// A learned reward that is the same constant everywhere, ended states included.
final class ConstantRewardModel: RewardModel {
    let value: Float
    init(_ value: Float) { self.value = value }
    func rewards(observations: [[Float]], actions: [[Float]]) -> [Float] { observations.map { _ in value } }
    func absorbingRewards(finalObservations: [[Float]]) -> [Float]? { finalObservations.map { _ in value } }
    var summary: String { "constant \(value)" }
}

/// Pays the final observation's first coordinate once at a termination.
final class TerminalRewardModel: RewardModel {
    func rewards(observations: [[Float]], actions: [[Float]]) -> [Float] { observations.map { _ in 0 } }
    func terminalRewards(finalObservations: [[Float]]) -> [Float]? { finalObservations.map { $0[0] } }
    var summary: String { "terminal" }
}

@Suite("Termination bonuses")
struct TerminationBonusTests {
    @Test("with absorbing rewards, a constant offset no longer favours longer or shorter episodes")
    func offsetInvariance() {
        let gamma = 0.99
        let source = RewardSource.model(ConstantRewardModel(0.5))
        let bonus = source.terminationBonuses(finalObservations: [[0, 0]], gamma: gamma)[0]
        #expect(abs(bonus - 0.5 * gamma / (1 - gamma)) < 1e-9)
        for length in [1, 5, 50, 400] {
            // Discounted return of an episode that terminates after `length` steps.
            var total = 0.0, discount = 1.0
            for t in 0..<length {
                total += discount * (0.5 + (t == length - 1 ? bonus : 0))
                discount *= gamma
            }
            #expect(abs(total - 0.5 / (1 - gamma)) < 1e-6, "length \(length): \(total)")
        }
        // Without a model, or with one that has no absorbing rewards, ending is worth 0.
        #expect(RewardSource.environment.terminationBonuses(finalObservations: [[0], [1]], gamma: gamma) == [0, 0])
    }

    @Test("a terminal reward is paid once, at the termination")
    func terminalRewardOnce() {
        let source = RewardSource.model(TerminalRewardModel())
        #expect(source.terminationBonuses(finalObservations: [[2, 0], [-3, 1]], gamma: 0.99) == [2, -3])
    }
}

@Suite("hyperparameter ranges")
struct HyperparameterRangeTests {
    @Test("the Zoo's settings pass, and each out-of-range value names itself")
    func ranges() throws {
        for task in ["LunarLanderContinuous", "BipedalWalker", "BipedalWalkerHardcore", "CarRacing"] {
            try PPO.Configuration.tuned(for: task).validate()
            try SAC.Configuration.tuned(for: task).validate()
        }
        let bad: [(AgentSettings, String, String)] = [
            (.ppo(.init()), "gamma=1.5", "gamma"), (.ppo(.init()), "gaeLambda=-0.1", "gaeLambda"), (.ppo(.init()), "epochs=0", "epochs"),
            (.ppo(.init()), "hiddenSizes=[64,0]", "hiddenSizes"), (.ppo(.init()), "minibatchSize=5000", "minibatchSize"),
            (.sac(.init()), "learningRate=0", "learningRate"), (.sac(.init()), "batchSize=-3", "batchSize"),
            (.sac(.init()), "initialTemperature=-1", "initialTemperature"),
        ]
        for (settings, assignment, name) in bad {
            #expect {
                try settings.setting([assignment])
            } throws: { error in
                "\(error)".contains("'\(name)'")
            }
        }
        #expect(throws: Never.self) { try AgentSettings.ppo(.init()).setting(["gamma=1", "hiddenSizes=[]"]) }
    }
}
