import Foundation
import SandboxCore
import PhysicsEnvs
import QDHF

/// Grid-archive insertion and MAP-Elites throughput, to compare with pyribs (bench/qd_pyribs.py).
func qualityDiversityFigures(seconds: Double, only: String?) -> [String: Double] {
    func wanted(_ name: String) -> Bool { only == nil || only == name }
    var figures: [String: Double] = [:]
    var generator = SeededGenerator(seed: 0)
    for batch in [36, 1000] where wanted("grid_add_b\(batch)_per_s") {
        // 10-d solutions, 2-d measures in [-1, 1]², a 100×100 grid (pyribs' tutorial sizes).
        let archive = GridArchive(solutionSize: 10, dimensions: [100, 100], ranges: [-1...1, -1...1])
        let batches = (0..<64).map { _ in
            (solutions: (0..<batch).map { _ in (0..<10).map { _ in Float(generator.uniform(-1, 1)) } },
             objectives: (0..<batch).map { _ in generator.uniform(0, 100) },
             measures: (0..<batch).map { _ in [generator.uniform(-1, 1), generator.uniform(-1, 1)] })
        }
        var k = 0
        figures["grid_add_b\(batch)_per_s"] = Double(batch) * Bench.measure(seconds: seconds, initialBatch: 10) { count in
            for _ in 0..<count {
                let b = batches[k & 63]
                archive.add(solutions: b.solutions, objectives: b.objectives, measures: b.measures)
                k += 1
            }
        }
    }
    if wanted("map_elites_iterations_per_s") {
        // MAP-Elites on a cheap objective (the arm), one Gaussian emitter, batch 36, sequential evaluation.
        let arm = RoboticArm()
        let archive = GridArchive(solutionSize: 10, dimensions: [100, 100], ranges: arm.measureRanges)
        let settings = EmitterSettings(batchSize: 36, initialSolution: Array(repeating: 0, count: 10), bounds: arm.solutionBounds)
        let scheduler = Scheduler(archive: archive, emitters: [GaussianEmitter(archive: archive, sigma: 0.1, settings: settings, seed: 1)])
        figures["map_elites_iterations_per_s"] = Bench.measure(seconds: seconds, initialBatch: 10) { count in
            for _ in 0..<count {
                let candidates = scheduler.ask()
                scheduler.tell(objectives: candidates.map(arm.objective), measures: candidates.map(arm.endEffector), solutions: candidates)
            }
        }
    }
    return figures
}
