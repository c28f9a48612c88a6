import Testing
import TestSupport
@testable import PhysicsEnvs
import SandboxCLI
import SandboxCore

/// Runs over every registered task: spaces, seeding, reward terms, rendering, time limits, errors.
@Suite("Task conformance")
struct TaskConformanceTests {
    static let taskIDs = SandboxCLI.tasks.ids

    /// Steps per check; CarRacing renders its pixel observation every step, so it gets fewer.
    static func steps(for id: String) -> Int { id.hasPrefix("CarRacing") ? 60 : 300 }

    @Test("observations stay inside the observation space", arguments: taskIDs)
    func observationsInsideSpace(id: String) throws {
        let environment = try SandboxCLI.tasks.make(id)
        let space = environment.spec.observationSpace
        for (seed, useHeuristic) in [(UInt64(1), true), (UInt64(2), false)] {
            let controller: any Controller = useHeuristic ? environment.makeHeuristic() : RandomController(space: environment.spec.actionSpace, seed: seed)
            var observation = environment.reset(seed: seed)
            #expect(observation.count == space.count)
            #expect(space.contains(observation), "reset observation out of bounds")
            for _ in 0..<Self.steps(for: id) {
                let result = try environment.step(controller.action(for: observation))
                observation = result.observation
                #expect(space.contains(observation), "\(id) observation out of bounds: \(observation.prefix(8))")
                if result.isDone { break }
            }
        }
    }

    @Test("the same seed gives the same episode; another seed a different one", arguments: taskIDs)
    func seedingIsDeterministic(id: String) throws {
        // Tasks with a fixed default layout (the tabletop tasks' Demo variant) are checked on their
        // fully random variant.
        let options: [String: Double] = try SandboxCLI.tasks.spec(for: id).optionChoices?["variant"].map { ["variant": Double($0.count - 1)] } ?? [:]
        func digest(seed: UInt64) throws -> String {
            let environment = try SandboxCLI.tasks.make(id, options: options)
            let controller = RandomController(space: environment.spec.actionSpace, seed: 99)
            return try Rollout.run(environment, controller: controller, seed: seed, maxSteps: Self.steps(for: id) / 2).record.digest
        }
        #expect(try digest(seed: 7) == digest(seed: 7))
        #expect(try digest(seed: 7) != digest(seed: 8))
    }

    @Test("reward terms are named and sum to the reward", arguments: taskIDs)
    func rewardTermsSumToReward(id: String) throws {
        let environment = try SandboxCLI.tasks.make(id)
        let controller = environment.makeHeuristic()
        var observation = environment.reset(seed: 3)
        #expect(Set(environment.spec.rewardTerms).count == environment.spec.rewardTerms.count)
        for _ in 0..<Self.steps(for: id) {
            let result = try environment.step(controller.action(for: observation))
            #expect(result.terms.count == environment.spec.rewardTerms.count)
            #expect(result.reward == result.terms.reduce(0, +))
            #expect(result.reward.isFinite)
            observation = result.observation
            if result.isDone { break }
        }
    }

    @Test("render has the requested size and changes as the task moves", arguments: taskIDs)
    func renderSize(id: String) throws {
        let environment = try SandboxCLI.tasks.make(id)
        environment.reset(seed: 0)
        for (w, h) in [(64, 64), (96, 96), (600, 400), (123, 77), (325, 216), (9, 5)] {
            let frame = environment.render(width: w, height: h)
            #expect(frame.width == w && frame.height == h && frame.pixels.count == w * h * 3)
        }
        let before = environment.render(width: 96, height: 96)
        #expect(Set(before.pixels).count > 2, "frame is blank")
        let controller = environment.makeHeuristic()
        var observation = environment.reset(seed: 0)
        for _ in 0..<30 {
            let result = try environment.step(controller.action(for: observation))
            observation = result.observation
            if result.isDone { break }
        }
        #expect(environment.render(width: 96, height: 96) != before)
        #expect(environment.render().width == environment.spec.renderWidth)
    }

    @Test("rendering does not change the episode", arguments: taskIDs)
    func renderingIsPure(id: String) throws {
        func digest(render: Bool) throws -> String {
            let environment = try SandboxCLI.tasks.make(id)
            let controller = RandomController(space: environment.spec.actionSpace, seed: 5)
            return try Rollout.run(environment, controller: controller, seed: 4, maxSteps: 40,
                                   renderSize: render ? RenderSize(width: 64, height: 64) : nil).record.digest
        }
        #expect(try digest(render: true) == digest(render: false))
    }

    @Test("episodes are truncated at the time limit", arguments: taskIDs)
    func truncationAtTimeLimit(id: String) throws {
        let environment = try SandboxCLI.tasks.make(id, options: ["max_episode_steps": 5])
        environment.reset(seed: 11)
        let zero = environment.spec.actionSpace.clip([Float](repeating: 0, count: environment.spec.actionSpace.count))
        for step in 1...5 {
            let result = try environment.step(zero)
            #expect(result.isTruncated == (step == 5) || result.isTerminated)
            if result.isDone { break }
        }
        #expect(throws: EnvironmentError.stepAfterEpisodeEnd) { try environment.step(zero) }
    }

    @Test("default time limits are Gymnasium's")
    func gymnasiumTimeLimits() throws {
        let specs = SandboxCLI.tasks.specs.filter { !TabletopObjective.allCases.map(\.rawValue).contains(String($0.name.split(separator: "-")[0])) }
        let limits = Dictionary(uniqueKeysWithValues: specs.map { ($0.name, $0.maxEpisodeSteps) })
        // The tabletop tasks keep X-Magical's: 100 steps, 50 for the long stick on SweepToTop.
        for spec in SandboxCLI.tasks.specs where !specs.contains(spec) {
            #expect(spec.maxEpisodeSteps == (spec.name == "SweepToTop-LongStick" ? 50 : 100))
        }
        #expect(limits == ["LunarLanderContinuous": 1000, "BipedalWalker": 1600, "BipedalWalkerHardcore": 2000, "CarRacing": 1000, "PlanarArm": 30, "MazeNavigation": 600,
                           "GridWorld": 50, "Delivery": 100])
    }

    @Test("bad actions are errors; out-of-range actions are clipped", arguments: taskIDs)
    func actionValidation(id: String) throws {
        let environment = try SandboxCLI.tasks.make(id)
        #expect(throws: EnvironmentError.stepBeforeReset) { try environment.step([0]) }
        environment.reset(seed: 0)
        let n = environment.spec.actionSpace.count
        #expect(throws: EnvironmentError.wrongActionLength(expected: n, got: n + 1)) {
            try environment.step([Float](repeating: 0, count: n + 1))
        }
        var bad = [Float](repeating: 0, count: n)
        bad[n - 1] = .nan
        #expect(throws: EnvironmentError.self) { try environment.step(bad) }
        guard case .box = environment.spec.actionSpace else {
            // A choice outside the set, or between two choices, is an error, not clipped.
            #expect(throws: EnvironmentError.self) { try environment.step([Float](repeating: 50, count: n)) }
            #expect(throws: EnvironmentError.self) { try environment.step([Float](repeating: 0.5, count: n)) }
            return
        }
        // An action far outside the box behaves exactly as the clipped one.
        let large = [Float](repeating: 50, count: n)
        let a = try SandboxCLI.tasks.make(id), b = try SandboxCLI.tasks.make(id)
        a.reset(seed: 2)
        b.reset(seed: 2)
        for _ in 0..<5 {
            let ra = try a.step(large), rb = try b.step(environment.spec.actionSpace.clip(large))
            #expect(ra.observation == rb.observation && ra.reward == rb.reward)
        }
    }

    @Test("unknown tasks, versions and options are refused with a hint")
    func registryErrors() {
        #expect(throws: EnvironmentError.self) { try SandboxCLI.tasks.make("Pendulum-v1") }
        do {
            _ = try SandboxCLI.tasks.make("LunarLanderContinuous-v9")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("LunarLanderContinuous-v1"))
        }
        do {
            _ = try SandboxCLI.tasks.make("LunarLanderContinuous-v1", options: ["gravty": -5])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("gravity"))
        }
        #expect(throws: EnvironmentError.self) { try SandboxCLI.tasks.make("LunarLanderContinuous", options: ["gravity": -20]) }
        #expect(throws: EnvironmentError.self) { try SandboxCLI.tasks.make("CarRacing", options: ["max_episode_steps": 0]) }
        #expect(throws: EnvironmentError.self) { try SandboxCLI.tasks.make("CarRacing", options: ["lap_complete_percent": .nan]) }
    }
}
