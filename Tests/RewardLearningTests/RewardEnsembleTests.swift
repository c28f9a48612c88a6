import Foundation
import Testing
import TestSupport
import SandboxCore
import PhysicsEnvs
@testable import RewardLearning

@Suite("Reward ensembles")
struct RewardEnsembleTests {
    @Test("a reward ensemble round-trips through its checkpoint and fits its task only")
    func roundTrip() throws {
        let spec = try Fixtures.tasks.spec(for: "LunarLanderContinuous-v1")
        var generator = SeededGenerator(seed: 1)
        var configuration = RewardEnsemble.Configuration(task: spec, hiddenSizes: [16], ensembleSize: 3)
        configuration.outputMean = 0.5
        configuration.outputStd = 2
        let model = RewardEnsemble(configuration, using: &generator)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("reward-\(UUID().uuidString).safetensors")
        try model.save(to: url)
        let loaded = try RewardModelLoader.load(path: url.path, spec: spec)
        let observations = (0..<5).map { _ in spec.observationSpace.sample(using: &generator) }
        let actions = (0..<5).map { _ in spec.actionSpace.sample(using: &generator) }
        #expect(loaded.rewards(observations: observations, actions: actions) == model.rewards(observations: observations, actions: actions))
        // The ensemble's reward is the standardised mean of its members.
        let outputs = model.memberOutputs(model.inputs(observations: observations, actions: actions))
        let expected = (outputs[0][0] + outputs[1][0] + outputs[2][0]) / 3
        #expect(abs(model.rewards(observations: observations, actions: actions)[0] - (expected - 0.5) / 2) < 1e-6)
        let walker = try Fixtures.tasks.spec(for: "BipedalWalker-v1")
        #expect(throws: (any Error).self) { try RewardModelLoader.load(path: url.path, spec: walker) }
    }

    @Test("the ensemble's spread is the standard deviation of its members' standardised rewards")
    func spreads() throws {
        let spec = try Fixtures.tasks.spec(for: "LunarLanderContinuous-v1")
        var generator = SeededGenerator(seed: 2)
        var configuration = RewardEnsemble.Configuration(task: spec, hiddenSizes: [8], ensembleSize: 3)
        configuration.outputStd = 4
        let model = RewardEnsemble(configuration, using: &generator)
        let observations = (0..<4).map { _ in spec.observationSpace.sample(using: &generator) }
        let actions = (0..<4).map { _ in spec.actionSpace.sample(using: &generator) }
        let members = model.memberRewards(observations: observations, actions: actions)
        let spreads = model.spreads(observations: observations, actions: actions)
        for n in 0..<4 {
            let values = members.map { $0[n] }
            let mean = values.reduce(0, +) / 3
            let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 3).squareRoot()
            #expect(abs(spreads[n] - std) < 1e-6)
        }
        // One member cannot disagree with itself.
        configuration.ensembleSize = 1
        let single = RewardEnsemble(configuration, using: &generator)
        #expect(single.spreads(observations: observations, actions: actions).allSatisfy { $0 == 0 })
    }
}
