import Foundation
import SandboxCore
import Rendering

/// What a run was started with; `config.json` in the run directory. Enough to resume it.
public struct RunConfiguration: Codable, Sendable {
    public var task: String
    /// The algorithm and its hyperparameters.
    public var agent: AgentSettings
    public var seed: UInt64
    public var totalSteps: Int
    public var reward: RewardSpecification
    public var taskOptions: [String: Double]
    public var checkpointInterval: Int
    public var started: String
    public var sandboxFormat = 1

    public var algorithm: Algorithm { agent.algorithm }

    public init(task: String, agent: AgentSettings, seed: UInt64, totalSteps: Int, reward: RewardSpecification, taskOptions: [String: Double],
                checkpointInterval: Int, started: String) {
        self.task = task
        self.agent = agent
        self.seed = seed
        self.totalSteps = totalSteps
        self.reward = reward
        self.taskOptions = taskOptions
        self.checkpointInterval = checkpointInterval
        self.started = started
    }

    // config.json keeps the layout it has always had: `"algorithm": "ppo"` beside a `"ppo": {...}` object.
    private enum CodingKeys: String, CodingKey {
        case task, algorithm, seed, totalSteps, reward, taskOptions, ppo, sac, checkpointInterval, started, sandboxFormat
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        task = try c.decode(String.self, forKey: .task)
        seed = try c.decode(UInt64.self, forKey: .seed)
        totalSteps = try c.decode(Int.self, forKey: .totalSteps)
        reward = try c.decode(RewardSpecification.self, forKey: .reward)
        taskOptions = try c.decode([String: Double].self, forKey: .taskOptions)
        checkpointInterval = try c.decode(Int.self, forKey: .checkpointInterval)
        started = try c.decode(String.self, forKey: .started)
        sandboxFormat = try c.decodeIfPresent(Int.self, forKey: .sandboxFormat) ?? 1
        let algorithm = try c.decode(Algorithm.self, forKey: .algorithm)
        switch algorithm {
        case .ppo:
            guard let settings = try c.decodeIfPresent(PPO.Configuration.self, forKey: .ppo) else {
                throw DecodingError.keyNotFound(CodingKeys.ppo, .init(codingPath: c.codingPath, debugDescription: "config.json names algorithm 'ppo' without its settings"))
            }
            agent = .ppo(settings)
        case .sac:
            guard let settings = try c.decodeIfPresent(SAC.Configuration.self, forKey: .sac) else {
                throw DecodingError.keyNotFound(CodingKeys.sac, .init(codingPath: c.codingPath, debugDescription: "config.json names algorithm 'sac' without its settings"))
            }
            agent = .sac(settings)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(task, forKey: .task)
        try c.encode(algorithm, forKey: .algorithm)
        try c.encode(seed, forKey: .seed)
        try c.encode(totalSteps, forKey: .totalSteps)
        try c.encode(reward, forKey: .reward)
        try c.encode(taskOptions, forKey: .taskOptions)
        switch agent {
        case .ppo(let settings): try c.encode(settings, forKey: .ppo)
        case .sac(let settings): try c.encode(settings, forKey: .sac)
        }
        try c.encode(checkpointInterval, forKey: .checkpointInterval)
        try c.encode(started, forKey: .started)
        try c.encode(sandboxFormat, forKey: .sandboxFormat)
    }
}

/// A run's folder: `runs/<task>__<algo>__<seed>__<time>/` with `config.json`, `metrics.jsonl`,
/// `checkpoints/` (`latest.safetensors` and `step_<N>.safetensors`), `policy.safetensors`,
/// `learning_curve.png` and `eval/`.
public struct RunDirectory {
    public let url: URL

    public init(url: URL) { self.url = url }

    /// A new run folder under `parent` named after task, algorithm, seed and time.
    public static func create(under parent: URL, task: String, algorithm: String, seed: UInt64, date: Date = Date()) throws -> RunDirectory {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        var url = parent.appendingPathComponent("\(task)__\(algorithm)__\(seed)__\(formatter.string(from: date))")
        var suffix = 1
        while FileManager.default.fileExists(atPath: url.path) {
            suffix += 1
            url = parent.appendingPathComponent("\(task)__\(algorithm)__\(seed)__\(formatter.string(from: date))-\(suffix)")
        }
        let run = RunDirectory(url: url)
        try run.createFolders()
        return run
    }

    func createFolders() throws {
        for folder in [url, checkpoints, url.appendingPathComponent("eval")] {
            do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
                throw AgentError.invalidConfiguration("cannot create run folder \(folder.path): \(describeFileError(error)); choose another --out")
            }
        }
    }

    public var configurationFile: URL { url.appendingPathComponent("config.json") }
    public var metricsFile: URL { url.appendingPathComponent("metrics.jsonl") }
    public var checkpoints: URL { url.appendingPathComponent("checkpoints") }
    public var latestCheckpoint: URL { checkpoints.appendingPathComponent("latest.safetensors") }
    public var policyFile: URL { url.appendingPathComponent("policy.safetensors") }
    public var learningCurve: URL { url.appendingPathComponent("learning_curve.png") }
    public func evaluationClip(step: Int) -> URL { url.appendingPathComponent("eval/step_\(step).gif") }

    public func write(_ configuration: RunConfiguration) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeAtomically(try encoder.encode(configuration), to: configurationFile)
    }

    public func readConfiguration() throws -> RunConfiguration {
        guard let data = try? Data(contentsOf: configurationFile) else {
            throw AgentError.unreadableRun("\(url.path) is not a run folder: it has no config.json")
        }
        let configuration: RunConfiguration
        do { configuration = try decodeJSONFile(RunConfiguration.self, from: data) } catch {
            throw AgentError.unreadableRun("\(configurationFile.path) is malformed: \(error.description)")
        }
        guard configuration.totalSteps >= 1 else {
            throw AgentError.unreadableRun("\(configurationFile.path) is malformed: totalSteps \(configuration.totalSteps) is not a positive step budget")
        }
        return configuration
    }

    /// Every metrics line, in order. Lines that do not parse (a line cut by a crash) are skipped.
    public func readMetrics() -> [[String: Double]] {
        Self.readMetrics(at: metricsFile)
    }

    public static func readMetrics(at file: URL) -> [[String: Double]] {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Double]
        }
    }
}

