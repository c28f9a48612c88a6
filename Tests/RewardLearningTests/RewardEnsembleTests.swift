import Foundation
import Testing
import PhysicsEnvs
@testable import RewardLearning

@Suite("Reward ensembles")
struct RewardEnsembleTests {
    @Test("a reward ensemble round-trips through its checkpoint and fits its task only")
    func roundTrip() throws {
        let spec = try TaskRegistry.spec(for: "LunarLanderContinuous-v1")
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
        let walker = try TaskRegistry.spec(for: "BipedalWalker-v1")
        #expect(throws: (any Error).self) { try RewardModelLoader.load(path: url.path, spec: walker) }
    }
}
