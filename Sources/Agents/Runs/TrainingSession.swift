import Foundation
import SandboxCore
import Rendering

/// Drives a trainer for `sandbox train`: iterations until the step budget, metrics to `metrics.jsonl`,
/// a progress bar, periodic checkpoints, the learning curve, and an evaluation clip at the end. A stop
/// request (Ctrl-C) is honoured between iterations, after writing a checkpoint.
public final class TrainingSession {
    public let trainer: any Trainer
    public let run: RunDirectory
    public let configuration: RunConfiguration
    /// Where the evaluation episode's task comes from.
    public let tasks: TaskRegistry
    private let log: MetricsLog
    private var lastCheckpointStep: Int
    private var recentReturns: [Double] = []
    /// Runs before each iteration (e.g. a preference loop's feedback round); its metrics join that
    /// iteration's line in `metrics.jsonl`.
    public var beforeIteration: (() throws -> [String: Double])?
    /// Called after every checkpoint, to save what the caller keeps beside the agent (a preference
    /// loop's state and reward model), so that a resumed run finds both at the same point.
    public var afterCheckpoint: (() throws -> Void)?

    public init(trainer: any Trainer, run: RunDirectory, configuration: RunConfiguration, tasks: TaskRegistry) throws {
        self.trainer = trainer
        self.tasks = tasks
        self.run = run
        self.configuration = configuration
        log = try MetricsLog(file: run.metricsFile)
        lastCheckpointStep = trainer.globalStep
    }

    /// Trains to the step budget or until `shouldStop` says so. Returns whether it finished the budget.
    @discardableResult
    public func run(shouldStop: () -> Bool, progress: ProgressBar? = nil) throws -> Bool {
        let start = Date()
        let startStep = trainer.globalStep
        while trainer.globalStep < configuration.totalSteps {
            if shouldStop() {
                try checkpoint(final: true)
                return false
            }
            let extra = try beforeIteration?() ?? [:]
            var metrics = try trainer.iterate()
            metrics.merge(extra) { a, _ in a }
            let episodes = trainer.drainFinishedEpisodes()
            metrics["global_step"] = Double(trainer.globalStep)
            metrics["charts/SPS"] = Double(trainer.globalStep - startStep) / Swift.max(Date().timeIntervalSince(start), 1e-9)
            if !episodes.isEmpty {
                metrics["charts/episodes"] = Double(episodes.count)
                metrics["charts/episodic_return"] = episodes.map(\.trainingReturn).reduce(0, +) / Double(episodes.count)
                metrics["charts/episodic_length"] = Double(episodes.map(\.length).reduce(0, +)) / Double(episodes.count)
                if !configuration.reward.isEnvironment {
                    metrics["charts/true_return"] = episodes.map(\.trueReturn).reduce(0, +) / Double(episodes.count)
                }
                recentReturns = Array((recentReturns + episodes.map(\.trueReturn)).suffix(20))
            }
            try log.append(metrics)
            if let progress {
                progress.status = recentReturns.isEmpty ? "" : String(format: "return %.1f", recentReturns.reduce(0, +) / Double(recentReturns.count))
                progress.advance(by: trainer.globalStep - progress.completed)
            }
            if trainer.globalStep - lastCheckpointStep >= configuration.checkpointInterval {
                try checkpoint(final: false)
            }
        }
        try checkpoint(final: true)
        progress?.finish()
        try writeEvaluationClip()
        return true
    }

    /// Writes `latest.safetensors` (full state), `step_<N>.safetensors` (periodic), `policy.safetensors`
    /// and the learning curve.
    public func checkpoint(final: Bool) throws {
        try trainer.saveState(to: run.latestCheckpoint)
        if !final {
            try trainer.saveState(to: run.checkpoints.appendingPathComponent("step_\(trainer.globalStep).safetensors"))
        }
        try trainer.policy.save(to: run.policyFile)
        try writeLearningCurve()
        try afterCheckpoint?()
        lastCheckpointStep = trainer.globalStep
    }

    public func writeLearningCurve() throws {
        let metrics = run.readMetrics()
        var series = [LinePlot.Series(label: configuration.reward.isEnvironment ? "episodic return" : "training return",
                                      points: metrics.compactMap { m in m["charts/episodic_return"].map { (m["global_step"] ?? 0, $0) } })]
        if !configuration.reward.isEnvironment {
            series.append(.init(label: "true return", points: metrics.compactMap { m in m["charts/true_return"].map { (m["global_step"] ?? 0, $0) } }))
        }
        try LinePlot(title: "\(configuration.task) · \(configuration.algorithm.displayName) · seed \(configuration.seed)",
                     xLabel: "environment steps", yLabel: "return", series: series).writePNG(to: run.learningCurve.path)
    }

    /// The evaluation episode's seed is the run's seed plus this, so that it is not a training episode.
    public static let evaluationSeedOffset: UInt64 = 1_000_000

    /// One deterministic evaluation episode, recorded as a clip, its return logged as `eval/return`.
    public func writeEvaluationClip() throws {
        let environment = try trainer.policy.makeEnvironment(in: tasks)
        let size = try RenderSize(width: environment.spec.renderWidth / 2, height: environment.spec.renderHeight / 2)
        let episode = try Rollout.run(environment, controller: trainer.policy, seed: configuration.seed &+ Self.evaluationSeedOffset, renderSize: size)
        try GIFWriter.write(episode.frames, to: run.evaluationClip(step: trainer.globalStep).path, framesPerSecond: environment.spec.framesPerSecond)
        try log.append(["global_step": Double(trainer.globalStep), "eval/return": episode.record.episodeReturn,
                        "eval/length": Double(episode.record.length)])
    }
}
