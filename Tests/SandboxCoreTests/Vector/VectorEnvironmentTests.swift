import Testing
import TestSupport
@testable import SandboxCore
import PhysicsEnvs

@Suite("Vector environment")
struct VectorEnvironmentTests {
    func run(parallel: Bool) throws -> [[Float]] {
        let vector = try VectorEnvironment(task: "LunarLanderContinuous-v1", in: Fixtures.tasks, count: 4, options: ["max_episode_steps": 20])
        vector.parallel = parallel
        var observations = vector.reset(seed: 9)
        var generator = SeededGenerator(seed: 1)
        var finals = 0
        for _ in 0..<45 {
            let actions = (0..<4).map { _ in vector.spec.actionSpace.sample(using: &generator) }
            let step = try vector.step(actions)
            observations = step.observations
            finals += step.finalObservations.compactMap { $0 }.count
            for i in 0..<4 where step.truncated[i] { #expect(step.finalObservations[i] != nil) }
        }
        #expect(finals >= 8)  // every copy was truncated and auto-reset twice
        return observations
    }

    @Test("parallel and sequential stepping give identical results, with auto-reset")
    func deterministicAcrossThreads() throws {
        #expect(try run(parallel: true) == run(parallel: false))
    }

    @Test("copies start from different seeds")
    func copiesDiffer() throws {
        let vector = try VectorEnvironment(task: "BipedalWalker-v1", in: Fixtures.tasks, count: 3)
        let observations = vector.reset(seed: 0)
        #expect(Set(observations.map { $0.description }).count == 3)
    }
}
