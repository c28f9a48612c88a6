import Agents
import Foundation
import SandboxCore
import Rendering
import PhysicsEnvs
import RewardLearning

enum EvalCommand {
    static let help = """
    usage: sandbox eval --policy PATH [--episodes K] [--seed S] [--clip FILE.gif|FILE.mp4] [--record FILE.json]
                        [--size WxH] [--stochastic] [--reward-model MODEL [--trace FILE.csv]] [--json]

    Runs a trained policy (a policy.safetensors, a checkpoint, or a run folder) for K episodes with its
    deterministic actions (--stochastic samples instead) and prints each return, then the mean and
    standard deviation, and the mean per-episode sum of each reward term. --clip and --record write the
    first episode. --json prints the returns, their mean and standard deviation and the term sums as JSON.

    --reward-model also scores each episode with a learned reward (a reward_model.safetensors): its
    learned return and, for an episode that terminated, the model's reward for the ended state: held
    after it (--endings learned: `pbrl` agents receive it times γ/(1 − γ) at a termination) or
    received once (--endings terminal), with the spread of the ensemble's members there. --trace writes
    every step of every episode as CSV (episode, step, true reward, learned reward, the ensemble's spread
    there, then the observation)
    to see where the two rewards part, and a PNG of both returns so far over the first episode beside it.
    """

    /// A policy file from a path that may be a run folder.
    static func policyURL(_ path: String) -> URL {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return RunDirectory(url: URL(fileURLWithPath: path)).policyFile
        }
        return URL(fileURLWithPath: path)
    }

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard let path = arguments.string("policy") else { throw UsageError("eval needs --policy PATH (a policy file or run folder)") }
        let episodes = try arguments.int("episodes", default: 10, minimum: 1, maximum: 100_000)!
        let seed = try arguments.seed()
        let clip = arguments.string("clip")
        let record = arguments.string("record")
        let sizeText = arguments.string("size")
        let stochastic = arguments.flag("stochastic")
        let rewardModelPath = arguments.string("reward-model")
        let tracePath = arguments.string("trace")
        let json = arguments.flag("json")
        try arguments.checkAllUsed()
        if tracePath != nil && rewardModelPath == nil {
            throw UsageError("--trace compares the true reward with a learned one; add --reward-model MODEL")
        }
        if let tracePath {
            guard tracePath.lowercased().hasSuffix(".csv") else { throw UsageError("--trace writes CSV (and a PNG beside it); name it with .csv, e.g. trace.csv") }
            try prepareOutput(tracePath)
        }
        var trace = ""
        var firstEpisodeRewards: (truth: [Double], learned: [Double]) = ([], [])

        let policy = try Policy.load(from: policyURL(path))
        let environment = try policy.makeEnvironment(in: SandboxCLI.tasks)
        let rewardModel = try rewardModelPath.map { try RewardModelLoader.load(path: $0, spec: environment.spec) }
        let clipFormat = try clip.map { p -> ClipFormat in
            let format = try PictureOutputs.clipFormat(p)
            try prepareOutput(p)
            return format
        }
        if let record { try prepareOutput(record) }
        let size = try sizeText.map { try RenderSize(parsing: $0) }
            ?? RenderSize(width: environment.spec.renderWidth, height: environment.spec.renderHeight)
        var returns: [Double] = []
        var termSums = [Double](repeating: 0, count: environment.spec.rewardTerms.count)
        for e in 0..<episodes {
            let episodeSeed = seed &+ UInt64(e)
            let controller: any Controller = stochastic ? SampledPolicy(policy, seed: episodeSeed) : policy
            let episode = try Rollout.run(environment, controller: controller, seed: episodeSeed,
                                          renderSize: e == 0 && clip != nil ? size : nil, keepObservations: rewardModel != nil)
            returns.append(episode.record.episodeReturn)
            for step in episode.termTrace { for (t, value) in step.enumerated() where t < termSums.count { termSums[t] += value } }
            var line = String(format: "episode %d seed %llu return %.2f length %d", e, episodeSeed, episode.record.episodeReturn, episode.record.length)
            if let rewardModel {
                let n = episode.record.length
                let stepRewards = rewardModel.rewards(observations: Array(episode.observations.prefix(n)), actions: episode.record.actions)
                let learned = stepRewards.reduce(0, +)
                if tracePath != nil {
                    let trueRewards = episode.termTrace.map { $0.reduce(0, +) }
                    let spreads = rewardModel.spreads(observations: Array(episode.observations.prefix(n)), actions: episode.record.actions)
                    if trace.isEmpty {
                        trace = "episode,step,true_reward,learned_reward,learned_spread,"
                            + (0..<episode.observations[0].count).map { "observation_\($0)" }.joined(separator: ",") + "\n"
                    }
                    for t in 0..<n {
                        trace += "\(e),\(t),\(trueRewards[t]),\(stepRewards[t]),\(spreads[t]),"
                            + episode.observations[t].map { "\($0)" }.joined(separator: ",") + "\n"
                    }
                    if e == 0 { firstEpisodeRewards = (trueRewards, stepRewards.map(Double.init)) }
                }
                line += String(format: " learned return %.2f", learned)
                let final = [episode.observations[n]]
                // The ended state's reward: held (learned endings) or received once (terminal endings).
                let ended = rewardModel.absorbingRewards(finalObservations: final).map { ("ended-state reward", $0[0]) }
                    ?? rewardModel.terminalRewards(finalObservations: final).map { ("terminal reward", $0[0]) }
                if episode.record.terminated, let (name, value) = ended {
                    let spread = rewardModel.spreads(observations: final, actions: [rewardModel.absorbingAction], ended: [true])[0]
                    line += " \(name)" + String(format: " %.3f (ensemble spread %.3f)", value, spread)
                }
            }
            if !json { print(line) }
            if e == 0 {
                if let clip, let clipFormat { try clipFormat.write(episode.frames, to: clip, framesPerSecond: environment.spec.framesPerSecond) }
                if let record { try episode.record.write(to: URL(fileURLWithPath: record)) }
            }
        }
        if let tracePath {
            try Data(trace.utf8).write(to: URL(fileURLWithPath: tracePath), options: .atomic)
            let plotPath = URL(fileURLWithPath: tracePath).deletingPathExtension().appendingPathExtension("png").path
            // Returns so far rather than per-step rewards: a +100 on the last step would flatten the rest.
            let series = [("true", firstEpisodeRewards.truth), ("learned", firstEpisodeRewards.learned)].map { name, values in
                var sum = 0.0
                return LinePlot.Series(label: name, points: values.enumerated().map { sum += $0.element; return (x: Double($0.offset + 1), y: sum) })
            }
            try LinePlot(title: "Episode 0: true and learned return so far", xLabel: "step", yLabel: "return", series: series)
                .writePNG(to: plotPath)
            print("wrote \(tracePath) and \(plotPath)")
        }
        let mean = returns.reduce(0, +) / Double(returns.count)
        let std = (returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(returns.count)).squareRoot()
        let names = environment.spec.rewardTerms
        let meanTerms = termSums.map { $0 / Double(episodes) }
        if json {
            let object: [String: Any] = ["returns": returns, "mean": mean, "std": std, "task": policy.configuration.taskID,
                                         "term_sums": Dictionary(uniqueKeysWithValues: zip(names, meanTerms))]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            return 0
        }
        print(String(format: "mean return %.2f ± %.2f over %d episodes (%@ on %@)", mean, std, episodes,
                     policy.configuration.algorithm.uppercased(), policy.configuration.taskID))
        print("mean per-episode term sums: " + zip(names, meanTerms).map { String(format: "%@ %.2f", $0, $1) }.joined(separator: ", "))
        return 0
    }
}
