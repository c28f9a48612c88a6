import Foundation

/// N copies of a task stepped in parallel across the cores, with automatic reset.
///
/// Auto-reset follows Stable-Baselines3's convention (same step): when copy i's episode ends, the
/// returned observation is already the first of its next episode, and the last observation of the
/// finished episode is in `finalObservations[i]`. Each copy draws its episode seeds from its own
/// generator, seeded from the vector's seed, so runs are reproducible whatever the thread timing.
public final class VectorEnvironment {
    public let environments: [any Environment]
    public var spec: TaskSpec { environments[0].spec }
    public var count: Int { environments.count }
    /// Run in parallel when true (the default); sequentially otherwise, for timing comparisons.
    public var parallel = true
    /// When set, every copy renders a frame of this size at each reset and after each step (for rewards
    /// that score episodes from frames); `frames` and `Step.frames` / `Step.finalFrames` hold them.
    public var frameSize: RenderSize?
    /// Each copy's latest frame (after the last reset or step), when `frameSize` is set.
    public private(set) var frames: [Frame] = []

    private var seedGenerators: [SeededGenerator]
    private var observations: [[Float]]

    /// The outcome of one vector step.
    public struct Step {
        public var observations: [[Float]]
        public var rewards: [Double]
        public var terms: [[Double]]
        public var terminated: [Bool]
        public var truncated: [Bool]
        /// The last observation of an episode that ended this step, for value bootstrapping.
        public var finalObservations: [[Float]?]
        /// With `frameSize`: each copy's frame, matching `observations` (a new episode's first frame for
        /// a copy that was reset); empty otherwise.
        public var frames: [Frame] = []
        /// With `frameSize`: the last frame of an episode that ended this step, matching `finalObservations`.
        public var finalFrames: [Frame?] = []
    }

    public convenience init(task id: String, in tasks: TaskRegistry, count: Int, options: [String: Double] = [:]) throws(EnvironmentError) {
        precondition(count > 0, "a vector environment needs at least one copy")
        var environments: [any Environment] = []
        for _ in 0..<count { environments.append(try tasks.make(id, options: options)) }
        self.init(environments: environments)
    }

    /// Copies made by the caller (all of one task).
    public init(environments: [any Environment]) {
        precondition(!environments.isEmpty, "a vector environment needs at least one copy")
        self.environments = environments
        seedGenerators = (0..<environments.count).map { SeededGenerator(seed: UInt64($0)) }
        observations = Array(repeating: [], count: environments.count)
    }

    /// Resets every copy; copy i starts from a seed derived from `seed` and i.
    @discardableResult
    public func reset(seed: UInt64) -> [[Float]] {
        var root = SeededGenerator(seed: seed)
        seedGenerators = (0..<count).map { _ in SeededGenerator(seed: root.next()) }
        withState { observations, generators in
            forEach { i in observations[i] = self.environments[i].reset(seed: generators[i].next()) }
        }
        if let size = frameSize { frames = environments.map { $0.render(width: size.width, height: size.height) } }
        return observations
    }

    /// Steps every copy with its action; a copy whose episode ends is reset at once.
    public func step(_ actions: [[Float]]) throws(EnvironmentError) -> Step {
        precondition(actions.count == count, "one action per copy: got \(actions.count), need \(count)")
        var results = [Result<StepResult, EnvironmentError>?](repeating: nil, count: count)
        var finals = [[Float]?](repeating: nil, count: count)
        let size = frameSize
        var stepFrames = [Frame?](repeating: nil, count: size == nil ? 0 : count)
        var finalFrames = [Frame?](repeating: nil, count: size == nil ? 0 : count)
        stepFrames.withUnsafeMutableBufferPointer { frameBuffer in
        finalFrames.withUnsafeMutableBufferPointer { finalFrameBuffer in
        withState { observations, generators in
        results.withUnsafeMutableBufferPointer { resultBuffer in
            finals.withUnsafeMutableBufferPointer { finalBuffer in
                let resultPointer = resultBuffer.baseAddress!, finalPointer = finalBuffer.baseAddress!
                forEach { i in
                    do throws(EnvironmentError) {
                        var result = try self.environments[i].step(actions[i])
                        if result.isDone {
                            finalPointer[i] = result.observation
                            if let size { finalFrameBuffer[i] = self.environments[i].render(width: size.width, height: size.height) }
                            result.observation = self.environments[i].reset(seed: generators[i].next())
                        }
                        if let size { frameBuffer[i] = self.environments[i].render(width: size.width, height: size.height) }
                        observations[i] = result.observation
                        resultPointer[i] = .success(result)
                    } catch {
                        resultPointer[i] = .failure(error)
                    }
                }
            }
        }
        }
        }
        }
        var step = Step(observations: [], rewards: [], terms: [], terminated: [], truncated: [], finalObservations: finals)
        for result in results {
            let r = try result!.get()
            step.observations.append(r.observation)
            step.rewards.append(r.reward)
            step.terms.append(r.terms)
            step.terminated.append(r.isTerminated)
            step.truncated.append(r.isTruncated)
        }
        if size != nil {
            step.frames = stepFrames.map { $0! }
            step.finalFrames = finalFrames
            frames = step.frames
        }
        return step
    }

    /// Hands out raw pointers to the per-copy state, so that each worker writes only its own slot.
    private func withState(_ body: (UnsafeMutablePointer<[Float]>, UnsafeMutablePointer<SeededGenerator>) -> Void) {
        observations.withUnsafeMutableBufferPointer { o in
            seedGenerators.withUnsafeMutableBufferPointer { g in body(o.baseAddress!, g.baseAddress!) }
        }
    }

    private func forEach(_ body: (Int) -> Void) {
        if parallel && count > 1 {
            DispatchQueue.concurrentPerform(iterations: count, execute: body)
        } else {
            for i in 0..<count { body(i) }
        }
    }
}
