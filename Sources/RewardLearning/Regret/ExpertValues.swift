import Agents
import Foundation
import SandboxCore

/// The values V^expert(s_t) of a deterministic expert on the states of recorded episodes, and the
/// regret of segments under them (Knox et al. 2022, "Models of human preference for learning reward
/// functions", arXiv 2206.02231, for tasks without a tabular V*).
///
/// Which value: the tasks are deterministic given (task, version, options, seed, actions), so a state
/// reached at step t of a record is reproduced exactly by replaying the record's first t actions. The
/// expert's value there is then computed exactly, not estimated: replay to step t, let the expert act
/// (its deterministic action, the mean) until the episode ends (a termination or the task's time
/// limit, which the replay keeps), and sum the true rewards from step t on. The sum is undiscounted,
/// as the task's return, the partial-return teacher and CPL's labels (`rl_sum`) are. A trained critic
/// would be cheaper but estimates something else: PPO's critic values the *sampled* policy under
/// γ = 0.999 with normalised rewards, and it is poorest exactly at the lander's ±100 endings that
/// decide most comparisons. After a termination the value is 0.
///
/// Values are cached per (episode, step) and computed on `workers` threads, each with its own expert
/// and task instance.
public final class ExpertValues: @unchecked Sendable {
    /// A segment's partial return and regret under the expert.
    public struct SegmentRegret: Sendable, Equatable {
        /// Σ r_t over the segment's real steps (absorbing steps are worth 0).
        public var partialReturn: Double
        /// V^expert at the segment's first state.
        public var startValue: Double
        /// V^expert at the state after its last real step (0 when the episode terminated there).
        public var endValue: Double
        /// V(s₀) − (Σ r_t + V(s_end)): what following the segment cost against following the expert
        /// (negative where the segment did better than the expert).
        public var regret: Double { startValue - (partialReturn + endValue) }
    }

    public let tasks: TaskRegistry
    /// The expert's task id (`LunarLanderContinuous-v1`); episodes of other tasks are refused.
    public let taskID: String
    public let workers: Int
    private let makeExpert: @Sendable () throws -> any Controller
    private let lock = NSLock()
    private var cache: [String: Double] = [:]
    private var rewards: [String: [Double]] = [:]
    /// Environment steps simulated for values so far (replayed prefixes and the expert's steps).
    public private(set) var simulatedSteps = 0

    /// An expert made by `makeExpert` (called once per worker thread; it must give a deterministic
    /// controller) on task `taskID`.
    public init(taskID: String, tasks: TaskRegistry, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                makeExpert: @escaping @Sendable () throws -> any Controller) {
        self.taskID = taskID
        self.tasks = tasks
        self.workers = Swift.max(1, workers)
        self.makeExpert = makeExpert
    }

    /// A trained policy (a policy file, checkpoint or run folder) as the expert, acting with its mean.
    public convenience init(expertPath: String, tasks: TaskRegistry, workers: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        let url = Self.policyURL(expertPath)
        guard FileManager.default.fileExists(atPath: url.path) else { throw RegretTeacherError.noExpert(expertPath) }
        let policy = try Policy.load(from: url)
        _ = try policy.makeEnvironment(in: tasks)  // the build still has the expert's task and version
        self.init(taskID: policy.configuration.taskID, tasks: tasks, workers: workers, makeExpert: { try Policy.load(from: url) })
    }

    /// A policy file from a path that may be a run folder.
    public static func policyURL(_ path: String) -> URL {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return RunDirectory(url: URL(fileURLWithPath: path)).policyFile
        }
        return URL(fileURLWithPath: path)
    }

    static func key(_ record: EpisodeRecord) -> String { "\(record.taskID)|\(record.seed)|\(record.length)|\(record.digest)" }

    /// V^expert after `step` actions of each record, computing the uncached ones in parallel.
    public func values(_ requests: [(record: EpisodeRecord, step: Int)]) throws -> [Double] {
        for r in requests where r.record.taskID != taskID {
            throw RegretTeacherError.otherTask(expert: taskID, episode: r.record.taskID)
        }
        for r in requests where r.step < 0 || r.step > r.record.length {
            throw RegretTeacherError.stepOutside(step: r.step, length: r.record.length)
        }
        var missing: [(record: EpisodeRecord, step: Int, key: String)] = []
        var seen: Set<String> = []
        lock.withLock {
            for r in requests {
                let k = "\(Self.key(r.record))@\(r.step)"
                if cache[k] == nil, seen.insert(k).inserted { missing.append((r.record, r.step, k)) }
            }
        }
        if !missing.isEmpty { try compute(missing) }
        return lock.withLock { requests.map { cache["\(Self.key($0.record))@\($0.step)"]! } }
    }

    /// Each segment's partial return and regret; segments are (record, start, length) and may run
    /// past a terminated episode's end (absorbing steps, worth 0).
    public func regrets(_ segments: [(record: EpisodeRecord, start: Int, length: Int)]) throws -> [SegmentRegret] {
        var requests: [(record: EpisodeRecord, step: Int)] = []
        for s in segments {
            let end = Swift.min(s.start + s.length, s.record.length)
            guard s.start >= 0, s.start < end, s.start + s.length <= s.record.length || s.record.terminated else {
                throw RegretTeacherError.segmentOutside(start: s.start, length: s.length, episodeLength: s.record.length)
            }
            requests += [(s.record, s.start), (s.record, end)]
        }
        let v = try values(requests)
        return try segments.enumerated().map { i, s in
            let end = Swift.min(s.start + s.length, s.record.length)
            let r = try stepRewards(s.record)
            return SegmentRegret(partialReturn: r[s.start..<end].reduce(0, +), startValue: v[2 * i], endValue: v[2 * i + 1])
        }
    }

    /// The record's true reward per step, from a replay (cached).
    public func stepRewards(_ record: EpisodeRecord) throws -> [Double] {
        let k = Self.key(record)
        if let cached = lock.withLock({ rewards[k] }) { return cached }
        let replay = try Rollout.replay(record, in: tasks)
        guard replay.matched else { throw RegretTeacherError.notReplayed(replay.mismatches.joined(separator: "; ")) }
        let r = replay.episode.termTrace.map { $0.reduce(0, +) }
        lock.withLock { rewards[k] = r }
        return r
    }

    private func compute(_ jobs: [(record: EpisodeRecord, step: Int, key: String)]) throws {
        let threads = Swift.min(workers, jobs.count)
        var failures: [Error] = []
        DispatchQueue.concurrentPerform(iterations: threads) { w in
            do {
                let expert = try makeExpert()
                var environments: [String: any Environment] = [:]
                for j in stride(from: w, to: jobs.count, by: threads) {
                    let job = jobs[j]
                    let record = job.record
                    let environmentKey = "\(record.taskID)|\(record.options.sorted { $0.key < $1.key })"
                    if environments[environmentKey] == nil { environments[environmentKey] = try tasks.make(record.taskID, options: record.options) }
                    let controller = PrefixThenExpert(prefix: Array(record.actions.prefix(job.step)), expert: expert)
                    let episode = try Rollout.run(environments[environmentKey]!, controller: controller, seed: record.seed)
                    guard episode.record.length >= job.step,
                          Array(episode.record.actions.prefix(job.step)) == Array(record.actions.prefix(job.step)) else {
                        throw RegretTeacherError.notReplayed("the replay ended at step \(episode.record.length), before step \(job.step)")
                    }
                    let value = episode.termTrace[job.step...].reduce(0) { $0 + $1.reduce(0, +) }
                    lock.withLock {
                        cache[job.key] = value
                        simulatedSteps += episode.record.length
                    }
                }
            } catch {
                lock.withLock { failures.append(error) }
            }
        }
        if let first = failures.first { throw first }
    }
}

/// Plays a fixed list of actions, then hands over to the expert.
final class PrefixThenExpert: Controller {
    private let prefix: [[Float]]
    private let expert: any Controller
    private var index = 0
    init(prefix: [[Float]], expert: any Controller) {
        self.prefix = prefix
        self.expert = expert
    }
    func action(for observation: [Float]) -> [Float] {
        defer { index += 1 }
        return index < prefix.count ? prefix[index] : expert.action(for: observation)
    }
}

/// Regret teachers' errors, each saying what to do.
public enum RegretTeacherError: Error, CustomStringConvertible {
    case emptyExpert
    case noExpert(String)
    case otherTask(expert: String, episode: String)
    case stepOutside(step: Int, length: Int)
    case segmentOutside(start: Int, length: Int, episodeLength: Int)
    case notReplayed(String)
    case noReference

    public var description: String {
        switch self {
        case .emptyExpert:
            return "regret: needs an expert policy, e.g. --teacher regret:runs/LUNAR_RUN (a run folder or policy.safetensors of sandbox train on the task)"
        case .noExpert(let path):
            return "regret teacher: no expert policy at \(path); train one with `sandbox train --task ID --algo ppo` and pass its run folder or policy.safetensors"
        case let .otherTask(expert, episode):
            return "the expert was trained on \(expert) but the episodes are \(episode); use an expert trained on \(episode)"
        case let .stepOutside(step, length):
            return "step \(step) lies outside an episode of \(length) steps"
        case let .segmentOutside(start, length, episodeLength):
            return "segment \(start)+\(length) lies outside its episode of \(episodeLength) steps; the store was edited or imported with a wrong segment"
        case .notReplayed(let reason):
            return "an episode did not replay as recorded (\(reason)); the task changed since it was recorded: use the sandbox version that recorded it"
        case .noReference:
            return "a regret teacher answers stored segments only (each needs its episode in the label store)"
        }
    }
}

extension RegretTeacherError: UsageErrorClassifying {
    public var isUsageError: Bool {
        switch self {
        case .emptyExpert, .noExpert, .otherTask: return true
        default: return false
        }
    }
}

/// The regret teacher's choice: the segment with the lower regret, rounded to 2 decimals (ties equal).
public enum RegretComparison {
    public static func rounded(_ regret: Double) -> Double { (regret * 100).rounded() / 100 }

    public static func answer(firstRegret: Double, secondRegret: Double) -> Answer {
        let a = rounded(firstRegret), b = rounded(secondRegret)
        if a == b { return .equal }
        return a < b ? .first : .second
    }
}

/// A noiseless regret teacher answering a preference loop's queries from the segments' episodes in
/// the store, V^expert from `ExpertValues`. Steps past a termination are worth 0 (V = 0 after the
/// end) whatever the loop's endings.
public final class RegretAnswerer: PairAnswerer {
    public let annotator: String
    public let values: ExpertValues
    private var records: [Int64: EpisodeRecord] = [:]

    public init(values: ExpertValues, annotator: String) {
        self.values = values
        self.annotator = annotator
    }

    public func answer(_ queries: [(id: Int64, first: Segment, second: Segment)], store: LabelStore) throws -> [Answer] {
        var segments: [(record: EpisodeRecord, start: Int, length: Int)] = []
        for q in queries {
            for segment in [q.first, q.second] {
                guard let reference = segment.reference else { throw RegretTeacherError.noReference }
                if records[reference.episode] == nil { records[reference.episode] = try store.episode(reference.episode) }
                segments.append((records[reference.episode]!, reference.start, reference.length))
            }
        }
        let started = Date()
        let regrets = try values.regrets(segments)
        let perQuery = Date().timeIntervalSince(started) / Double(Swift.max(queries.count, 1))
        return try queries.enumerated().map { i, q in
            let answer = RegretComparison.answer(firstRegret: regrets[2 * i].regret, secondRegret: regrets[2 * i + 1].regret)
            try store.add(answer: answer, to: q.id, annotator: annotator, responseTime: perQuery)
            return answer
        }
    }
}
