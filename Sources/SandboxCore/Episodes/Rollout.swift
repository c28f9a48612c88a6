import Foundation

/// One episode's outcome, with optional frames.
public struct Episode: Sendable {
    public var record: EpisodeRecord
    /// Rendered frames: the start state, then one after each step (empty unless requested).
    public var frames: [Frame]
    /// Reward terms per step, aligned with the task's `rewardTerms`.
    public var termTrace: [[Double]]
    public var observations: [[Float]]
    /// How the episode ended (`.running` when `maxSteps` stopped it first).
    public var outcome: EpisodeOutcome = .running
    /// The `info` of the last step (e.g. the tabletop tasks' `score`).
    public var finalInfo: [String: Double] = [:]
}

/// Runs and replays episodes.
public enum Rollout {
    /// Runs one episode with `controller` from `seed`, up to `maxSteps` steps (the task's time limit
    /// still applies). With `renderSize`, renders a frame of the start and after every step.
    public static func run(
        _ environment: any Environment, controller: any Controller, seed: UInt64,
        maxSteps: Int? = nil, renderSize: RenderSize? = nil, keepObservations: Bool = false
    ) throws(EnvironmentError) -> Episode {
        var observation = environment.reset(seed: seed)
        var digest = EpisodeDigest()
        digest.add(observation)
        var actions: [[Float]] = []
        var frames: [Frame] = []
        var terms: [[Double]] = []
        var observations: [[Float]] = keepObservations ? [observation] : []
        var total = 0.0
        var sums = [Double](repeating: 0, count: environment.spec.rewardTerms.count)
        var terminated = false, truncated = false
        var outcome = EpisodeOutcome.running
        var finalInfo: [String: Double] = [:]
        if let size = renderSize { frames.append(environment.render(width: size.width, height: size.height)) }
        let limit = maxSteps ?? Int.max
        while actions.count < limit {
            let action = environment.spec.actionSpace.clip(controller.action(for: observation))
            let result = try environment.step(action)
            actions.append(action)
            observation = result.observation
            digest.add(observation)
            digest.add(result.reward)
            total += result.reward
            for i in sums.indices { sums[i] += result.terms[i] }
            terms.append(result.terms)
            if keepObservations { observations.append(observation) }
            if let size = renderSize { frames.append(environment.render(width: size.width, height: size.height)) }
            terminated = result.isTerminated
            truncated = result.isTruncated
            finalInfo = result.info
            if result.isDone {
                outcome = EpisodeOutcome(result, in: environment)
                break
            }
        }
        let spec = environment.spec
        let record = EpisodeRecord(
            format: EpisodeRecord.formatVersion, task: spec.name, version: spec.version,
            options: environment.options, seed: seed, actions: actions, episodeReturn: total, length: actions.count,
            termSums: Dictionary(uniqueKeysWithValues: zip(spec.rewardTerms, sums)),
            terminated: terminated, truncated: truncated, digest: digest.hex)
        return Episode(record: record, frames: frames, termTrace: terms, observations: observations, outcome: outcome,
                       finalInfo: finalInfo)
    }

    /// The outcome of replaying a record.
    public struct ReplayResult: Sendable {
        public var episode: Episode
        /// Observations, rewards and the end state matched the record exactly.
        public var matched: Bool
        public var mismatches: [String]
    }

    /// A fresh instance of `record`'s task from `tasks`, with its options, after checking that the record
    /// fits it (the task and version exist, every action has the task's width): everything a replay
    /// checks before its first step. `path` names the record in errors. The task and options come from
    /// the file: a problem with them is the file's (exit 1), not the command line's.
    public static func environment(replaying record: EpisodeRecord, in tasks: TaskRegistry, path: String = "record") throws -> any Environment {
        let spec: TaskSpec
        do { spec = try tasks.spec(for: record.task) } catch {
            let reason: String = error.description
            throw RecordError.invalidTask(path: path, reason: reason)
        }
        guard spec.version == record.version else {
            throw RecordError.versionMismatch(path: path, recorded: record.taskID, available: spec.id)
        }
        for (i, action) in record.actions.enumerated() where action.count != spec.actionSpace.count {
            throw RecordError.actionCount(path: path, step: i, expected: spec.actionSpace.count, got: action.count)
        }
        do { return try tasks.make(record.taskID, options: record.options) } catch {
            let reason: String = error.description
            throw RecordError.invalidTask(path: path, reason: reason)
        }
    }

    /// Replays `record` in a fresh instance of its task from `tasks` and compares everything it produced.
    public static func replay(_ record: EpisodeRecord, in tasks: TaskRegistry, path: String = "record", renderSize: RenderSize? = nil,
                              keepObservations: Bool = false) throws -> ReplayResult {
        let environment = try Rollout.environment(replaying: record, in: tasks, path: path)
        let player = ActionSequence(record.actions)
        let episode = try run(environment, controller: player, seed: record.seed, maxSteps: record.actions.count, renderSize: renderSize,
                              keepObservations: keepObservations)
        var mismatches: [String] = []
        let replayed = episode.record
        if replayed.digest != record.digest { mismatches.append("observation/reward digest \(replayed.digest) ≠ recorded \(record.digest)") }
        if replayed.episodeReturn.bitPattern != record.episodeReturn.bitPattern {
            mismatches.append("return \(replayed.episodeReturn) ≠ recorded \(record.episodeReturn)")
        }
        if replayed.length != record.length { mismatches.append("length \(replayed.length) ≠ recorded \(record.length)") }
        if record.actions.count > replayed.length {
            mismatches.append("the record lists \(record.actions.count - replayed.length) action(s) after its episode ended at step \(replayed.length)")
        }
        if replayed.terminated != record.terminated || replayed.truncated != record.truncated {
            mismatches.append("episode end differs (terminated \(replayed.terminated), truncated \(replayed.truncated))")
        }
        return ReplayResult(episode: episode, matched: mismatches.isEmpty, mismatches: mismatches)
    }
}

/// Plays back a fixed list of actions, then zeros.
public final class ActionSequence: Controller {
    private let actions: [[Float]]
    private var index = 0
    public init(_ actions: [[Float]]) { self.actions = actions }
    public func action(for observation: [Float]) -> [Float] {
        defer { index += 1 }
        return index < actions.count ? actions[index] : Array(repeating: 0, count: actions.first?.count ?? 0)
    }
}
