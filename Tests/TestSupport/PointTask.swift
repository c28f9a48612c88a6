import SandboxCore

/// A tiny continuous task for learning checks: drive a point on a line to a target.
/// Observation (position, target) in [−1, 1]²; action a ∈ [−1, 1] moves the point by 0.1·a; reward
/// −|position − target| each step; 20 steps per episode. An optimal policy scores about −1.5.
public final class PointTask: Environment {
    public init() {}
    public let spec = TaskSpec(name: "Point", version: 1, observationSpace: .box(BoxSpace(uniformLow: -1, high: 1, shape: [2])),
                        actionSpace: .box(BoxSpace(uniformLow: -1, high: 1, shape: [1])), rewardTerms: ["distance"],
                        maxEpisodeSteps: 20, framesPerSecond: 10, renderWidth: 32, renderHeight: 32, defaultOptions: [:], summary: "test")
    public let options: [String: Double] = [:]
    public private(set) var elapsedSteps = 0
    private var position: Float = 0, target: Float = 0

    public func reset(seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        position = Float.random(in: -1...1, using: &generator)
        target = Float.random(in: -0.8...0.8, using: &generator)
        elapsedSteps = 0
        return [position, target]
    }

    public func step(_ action: [Float]) throws(EnvironmentError) -> StepResult {
        let a = spec.actionSpace.clip(action)[0]
        position = Swift.min(Swift.max(position + 0.1 * a, -1), 1)
        elapsedSteps += 1
        let reward = -Double(abs(position - target))
        return StepResult(observation: [position, target], reward: reward, terms: [reward], isTerminated: false,
                          isTruncated: elapsedSteps >= 20, info: [:])
    }

    public func render(into frame: inout Frame) {}
    public func makeHeuristic() -> any Controller { RandomController(space: spec.actionSpace, seed: 0) }
}

/// Mean return of `controller` over `episodes` episodes of the point task.
public func evaluate(_ controller: any Controller, episodes: Int = 20) throws -> Double {
    let task = PointTask()
    var total = 0.0
    for seed in 0..<episodes {
        var observation = task.reset(seed: UInt64(1000 + seed))
        while true {
            let step = try task.step(controller.action(for: observation))
            total += step.reward
            observation = step.observation
            if step.isDone { break }
        }
    }
    return total / Double(episodes)
}
