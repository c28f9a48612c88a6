import Foundation
import SandboxCore
import PhysicsEnvs

/// Task throughput on one core, to compare with Gymnasium. Every figure steps the task with uniform random
/// actions drawn in advance (as the Gymnasium side does) and resets when an episode ends.
/// Episode lengths seen by the last stepper, so that the bare world-step figure resets just as often.
var episodeLengths: [Int] = []

func stepper(_ id: String, render: RenderSize?) throws -> (Int) throws -> Void {
    let environment = try benchTasks.make(id)
    var generator = SeededGenerator(seed: 0)
    let actions = (0..<4096).map { _ in environment.spec.actionSpace.sample(using: &generator) }
    var index = 0
    var seed: UInt64 = 0
    environment.reset(seed: seed)
    var frame = Frame(width: render?.width ?? 1, height: render?.height ?? 1)
    episodeLengths = []
    return { count in
        for _ in 0..<count {
            let result = try environment.step(actions[index & 4095])
            index += 1
            if render != nil { environment.render(into: &frame) }
            if result.isDone {
                episodeLengths.append(environment.elapsedSteps)
                seed += 1
                environment.reset(seed: seed)
            }
        }
    }
}

func environmentFigures(seconds secondsPerFigure: Double, only: String?) throws -> [String: Double] {
func measure(_ body: (Int) throws -> Void) rethrows -> Double { try Bench.measure(seconds: secondsPerFigure, body) }
func wanted(_ name: String) -> Bool { only == nil || only == name }
var figures: [String: Double] = [:]
let people = try RenderSize(width: 600, height: 400)
if wanted("lander_steps_per_s") { figures["lander_steps_per_s"] = try measure(try stepper("LunarLanderContinuous-v1", render: nil)) }
if wanted("lander_render_frames_per_s") { figures["lander_render_frames_per_s"] = try measure(try stepper("LunarLanderContinuous-v1", render: people)) }
if wanted("walker_render_frames_per_s") { figures["walker_render_frames_per_s"] = try measure(try stepper("BipedalWalker-v1", render: people)) }
if wanted("car_steps_per_s") { figures["car_steps_per_s"] = try measure(try stepper("CarRacing-v1", render: nil)) }
if wanted("walker_steps_per_s") { figures["walker_steps_per_s"] = try measure(try stepper("BipedalWalker-v1", render: nil)) }

// The bare Box2D world step of the walker, in this process: the solver's share of a walker step.
// The motors follow the same random actions, and the walker is reset after the same episode lengths
// as in the stepped figure, so the only work left out is the task's own (lidar, observation, reward).
if wanted("walker_bare_world_steps_per_s") {
    if episodeLengths.isEmpty { _ = try measure(try stepper("BipedalWalker-v1", render: nil)) }
    let lengths = episodeLengths.isEmpty ? [1600] : episodeLengths
    let walker = try BipedalWalker()
    var walkerGenerator = SeededGenerator(seed: 0)
    let walkerActions = (0..<4096).map { _ in walker.spec.actionSpace.sample(using: &walkerGenerator) }
    var walkerSeed: UInt64 = 0, walkerIndex = 0, episode = 0, sinceReset = 0
    walker.reset(seed: walkerSeed)
    figures["walker_bare_world_steps_per_s"] = measure { count in
        for _ in 0..<count {
            walker.stepWorldOnly(walkerActions[walkerIndex & 4095])
            walkerIndex += 1
            sinceReset += 1
            if sinceReset >= lengths[episode % lengths.count] {
                episode += 1
                walkerSeed += 1
                walker.reset(seed: walkerSeed)
                sinceReset = 0
            }
        }
    }
}

// Vectorised stepping across the cores (all copies on one process).
let cores = ProcessInfo.processInfo.activeProcessorCount
let vector = try VectorEnvironment(task: "BipedalWalker-v1", in: benchTasks, count: 2 * cores)
vector.reset(seed: 0)
var generator = SeededGenerator(seed: 1)
let vectorActions = (0..<64).map { _ in (0..<vector.count).map { _ in vector.spec.actionSpace.sample(using: &generator) } }
var vectorIndex = 0
if wanted("walker_vector_steps_per_s") { figures["walker_vector_steps_per_s"] = try measure { count in
    for _ in 0..<max(1, count / vector.count) {
        _ = try vector.step(vectorActions[vectorIndex & 63])
        vectorIndex += 1
    }
} }
figures["cores"] = Double(cores)
return figures
}
