import Agents
import Foundation
import NeuralNets

/// PPO and SAC throughput with Stable-Baselines3's default settings, to compare with bench/agents_sb3.py.
func agentFigures(seconds: Double, only: String?) throws -> [String: Double] {
    BLAS.setThreadCount(1)
    func wanted(_ name: String) -> Bool { only == nil || only == name }
    var figures: [String: Double] = [:]
    if wanted("ppo_walker_steps_per_s") {
        // SB3's PPO defaults: one copy, 2048 steps per rollout, minibatch 64, 10 epochs, 64-64 tanh.
        let ppo = try PPO(task: "BipedalWalker-v1", in: benchTasks, configuration: PPO.Configuration(), seed: 0, totalSteps: 1_000_000)
        ppo.parallelStepping = false  // one core, as SB3's single DummyVecEnv
        var rolloutRates: [Double] = [], updateSeconds: [Double] = []
        let start = Date()
        var iterations = 0
        while Date().timeIntervalSince(start) < seconds || iterations < 2 {
            let metrics = try ppo.iterate()
            rolloutRates.append(metrics["charts/rollout_SPS"] ?? 0)
            updateSeconds.append(metrics["charts/update_seconds"] ?? 0)
            iterations += 1
        }
        figures["ppo_walker_steps_per_s"] = Double(ppo.globalStep) / Date().timeIntervalSince(start)
        figures["ppo_rollout_steps_per_s"] = rolloutRates.max() ?? 0
        figures["ppo_update_seconds"] = updateSeconds.min() ?? 0
    }
    if wanted("sac_gradient_steps_per_s") {
        // SB3's SAC defaults: 256-256 ReLU, batch 256.
        var configuration = SAC.Configuration()
        configuration.learningStarts = 0
        let sac = try SAC(task: "BipedalWalker-v1", in: benchTasks, configuration: configuration, seed: 0, totalSteps: 1_000_000)
        try sac.collect(steps: 2000)
        figures["sac_gradient_steps_per_s"] = Bench.measure(seconds: seconds, initialBatch: 1) { count in sac.update(gradientSteps: count) }
        // Forward + backward FLOPs of one gradient step (18 passes of a 256-256 MLP over the batch, see RESULTS.md).
        let mlp = 2.0 * 256 * (24.0 * 256 + 256 * 256 + 256)
        figures["sac_gflops"] = figures["sac_gradient_steps_per_s"]! * 18 * mlp / 1e9
        figures["sgemm_512_gflops"] = BLAS.measureGemmRate(size: 512, seconds: 1)
    }
    return figures
}
