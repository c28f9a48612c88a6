/// Shared timing for the benchmarks.
import Foundation
import PhysicsEnvs
import SandboxCore


enum Bench {
/// Units per second over about `secondsPerFigure`, best of three runs (the machine is shared and noisy).
/// `body(n)` does n units of work; batches start at `initialBatch` and double until one takes a tenth
/// of the budget.
static func measure(seconds secondsPerFigure: Double, initialBatch: Int = 100, _ body: (Int) throws -> Void) rethrows -> Double {
    var batch = initialBatch
    while true {  // size a batch to about a tenth of the budget
        let start = Date()
        try body(batch)
        let elapsed = Date().timeIntervalSince(start)
        if elapsed > secondsPerFigure / 10 { break }
        batch *= 2
    }
    var best = 0.0
    for _ in 0..<3 {
        var steps = 0
        let start = Date()
        while Date().timeIntervalSince(start) < secondsPerFigure / 3 {
            try body(batch)
            steps += batch
        }
        best = max(best, Double(steps) / Date().timeIntervalSince(start))
    }
    return best
}

}

/// The tasks the benchmarks run.
let benchTasks = TaskRegistry(PhysicsTasks.entries + TabletopTasks.entries)
