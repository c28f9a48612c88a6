import Foundation
import SandboxCore
import Rendering

/// What a run was started with; `config.json` in the run directory. Enough to resume it.
public struct RunConfiguration: Codable, Sendable {
    public var task: String
    public var algorithm: String
    public var seed: UInt64
    public var totalSteps: Int
    public var reward: String
    public var taskOptions: [String: Double]
    public var ppo: PPO.Configuration?
    public var sac: SAC.Configuration?
    public var checkpointInterval: Int
    public var started: String
    public var sandboxFormat = 1

    public init(task: String, algorithm: String, seed: UInt64, totalSteps: Int, reward: String, taskOptions: [String: Double],
                ppo: PPO.Configuration?, sac: SAC.Configuration?, checkpointInterval: Int, started: String) {
        self.task = task
        self.algorithm = algorithm
        self.seed = seed
        self.totalSteps = totalSteps
        self.reward = reward
        self.taskOptions = taskOptions
        self.ppo = ppo
        self.sac = sac
        self.checkpointInterval = checkpointInterval
        self.started = started
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
                throw AgentError.unreadableRun("cannot create run folder \(folder.path): \((error as NSError).localizedDescription)")
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
        do { return try JSONDecoder().decode(RunConfiguration.self, from: data) } catch {
            throw AgentError.unreadableRun("\(configurationFile.path) is malformed: \(error)")
        }
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

