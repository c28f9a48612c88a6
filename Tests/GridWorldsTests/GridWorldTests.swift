import Testing
import TestSupport
@testable import GridWorlds
import SandboxCore

@Suite("GridWorld")
struct GridWorldTests {
    @Test("the heuristic walks a shortest path: down, then right")
    func heuristicIsShortest() throws {
        let world = try GridWorld()
        for seed in UInt64(0)..<20 {
            let start = Int(world.reset(seed: seed)[0])
            let (row, column) = (start / world.size, start % world.size)
            let episode = try Rollout.run(world, controller: world.makeHeuristic(), seed: seed)
            let shortest = (world.size - 1 - row) + (world.size - 1 - column)
            #expect(episode.record.length == shortest)
            #expect(episode.record.terminated)
            #expect(episode.record.termSums["goal"] == 10)
            #expect(episode.record.termSums["step"] == -Double(shortest))
        }
    }

    @Test("a move into the wall stays put and still costs a step")
    func walls() throws {
        let world = try GridWorld(options: ["size": 3])
        var observation = world.reset(seed: 4)
        // Walk into the top-left corner, then keep pushing up and left.
        for _ in 0..<4 { observation = try world.step([Float(GridWorld.Move.up.rawValue)]).observation }
        for _ in 0..<4 { observation = try world.step([Float(GridWorld.Move.left.rawValue)]).observation }
        #expect(observation == [0])
        let result = try world.step([Float(GridWorld.Move.up.rawValue)])
        #expect(result.observation == [0] && result.reward == -1)
    }

    @Test("bad sizes and choices are refused with the fix")
    func errors() throws {
        #expect(throws: EnvironmentError.self) { try GridWorld(options: ["size": 1]) }
        #expect(throws: EnvironmentError.self) { try GridWorld(options: ["size": 2.5]) }
        let world = try GridWorld()
        world.reset(seed: 0)
        do {
            _ = try world.step([4])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("whole number"))
        }
    }
}
