import Foundation
/// A ring buffer of transitions for off-policy learning (SAC). Keeps each transition's observation,
/// action, reward, next observation, termination, and the task's reward terms so that rewards can be
/// recomputed (relabelled) when the reward model changes.
public final class ReplayBuffer {
    public let capacity: Int
    public let observationSize: Int
    public let actionSize: Int
    public private(set) var count = 0
    private var next = 0
    private(set) var observations: [Float]
    private(set) var actions: [Float]
    private(set) var rewards: [Float]
    private(set) var nextObservations: [Float]
    private(set) var terminated: [Bool]
    /// Raw (unnormalised) task reward terms, per transition.
    private(set) var terms: [[Double]]
    private(set) var taskRewards: [Double]

    /// Bytes a buffer of `capacity` transitions takes: observations and next observations, actions,
    /// rewards, flags and the task's terms (about 16 bytes of array header per slot).
    public static func bytes(capacity: Int, observationSize: Int, actionSize: Int, termCount: Int = 8) -> Double {
        Double(capacity) * Double(4 * (2 * observationSize + actionSize + 1) + 1 + 8 + 8 * termCount + 32)
    }

    /// The memory a replay buffer may take: half of this machine's.
    public static var memoryBudget: Double { Double(ProcessInfo.processInfo.physicalMemory) / 2 }

    public init(capacity: Int, observationSize: Int, actionSize: Int) {
        precondition(capacity > 0, "replay buffer capacity must be positive")
        self.capacity = capacity
        self.observationSize = observationSize
        self.actionSize = actionSize
        observations = [Float](repeating: 0, count: capacity * observationSize)
        nextObservations = observations
        actions = [Float](repeating: 0, count: capacity * actionSize)
        rewards = [Float](repeating: 0, count: capacity)
        terminated = [Bool](repeating: false, count: capacity)
        terms = Array(repeating: [], count: capacity)
        taskRewards = [Double](repeating: 0, count: capacity)
    }

    /// Stores a transition and returns the slot it went into.
    @discardableResult
    public func add(observation: [Float], action: [Float], reward: Float, nextObservation: [Float], terminated done: Bool,
                    terms t: [Double] = [], taskReward: Double = 0) -> Int {
        let i = next
        for k in 0..<observationSize {
            observations[i * observationSize + k] = observation[k]
            nextObservations[i * observationSize + k] = nextObservation[k]
        }
        for k in 0..<actionSize { actions[i * actionSize + k] = action[k] }
        rewards[i] = reward
        terminated[i] = done
        terms[i] = t
        taskRewards[i] = taskReward
        next = (next + 1) % capacity
        count = Swift.min(count + 1, capacity)
        return i
    }

    /// Overwrites the rewards stored in `slots` (from `add`), e.g. once an episode has been scored.
    public func setRewards(_ values: [Float], at slots: [Int]) {
        precondition(values.count == slots.count, "one reward per slot")
        for (slot, value) in zip(slots, values) { rewards[slot] = value }
    }

    /// The reward stored in `slot`.
    public func reward(at slot: Int) -> Float { rewards[slot] }

    /// A minibatch of `size` transitions drawn uniformly with replacement.
    public func sample<G: RandomNumberGenerator>(_ size: Int, using generator: inout G)
        -> (observations: [Float], actions: [Float], rewards: [Float], nextObservations: [Float], notDone: [Float]) {
        precondition(count > 0, "sampling an empty replay buffer")
        var o = [Float](), a = [Float](), r = [Float](), o2 = [Float](), nd = [Float]()
        o.reserveCapacity(size * observationSize)
        o2.reserveCapacity(size * observationSize)
        a.reserveCapacity(size * actionSize)
        for _ in 0..<size {
            let i = Int.random(in: 0..<count, using: &generator)
            o.append(contentsOf: observations[(i * observationSize)..<((i + 1) * observationSize)])
            o2.append(contentsOf: nextObservations[(i * observationSize)..<((i + 1) * observationSize)])
            a.append(contentsOf: actions[(i * actionSize)..<((i + 1) * actionSize)])
            r.append(rewards[i])
            nd.append(terminated[i] ? 0 : 1)
        }
        return (o, a, r, o2, nd)
    }

    /// The most recent `limit` observations (or all), flattened.
    public func recentObservations(limit: Int) -> [Float] {
        let n = Swift.min(limit, count)
        var result = [Float]()
        result.reserveCapacity(n * observationSize)
        for k in 0..<n {
            let i = (next - 1 - k + capacity) % capacity
            result.append(contentsOf: observations[(i * observationSize)..<((i + 1) * observationSize)])
        }
        return result
    }

    /// Recomputes every stored reward with `reward(observation, action, terms, taskReward)` — e.g.
    /// after a reward model is refitted (PEBBLE relabels the whole buffer).
    /// Recomputes every stored reward from (observations, actions, terms, task rewards, next
    /// observations, terminated flags), in chunks.
    public func relabel(_ reward: (_ observations: [[Float]], _ actions: [[Float]], _ terms: [[Double]], _ taskRewards: [Double],
                                   _ nextObservations: [[Float]], _ terminated: [Bool]) -> [Float]) {
        let chunk = 4096
        var start = 0
        while start < count {
            let end = Swift.min(start + chunk, count)
            let obs = (start..<end).map { Array(observations[($0 * observationSize)..<(($0 + 1) * observationSize)]) }
            let act = (start..<end).map { Array(actions[($0 * actionSize)..<(($0 + 1) * actionSize)]) }
            let next = (start..<end).map { Array(nextObservations[($0 * observationSize)..<(($0 + 1) * observationSize)]) }
            let new = reward(obs, act, Array(terms[start..<end]), Array(taskRewards[start..<end]), next, Array(terminated[start..<end]))
            for (k, value) in new.enumerated() { rewards[start + k] = value }
            start = end
        }
    }
}
