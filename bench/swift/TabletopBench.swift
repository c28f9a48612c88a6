import Foundation
import SandboxCore
import PhysicsEnvs

/// Tabletop task throughput on one core, to compare with X-Magical: for every task, steps/s with random
/// actions and step + 64×64 render frames/s (`<task>_steps_per_s`, `<task>_render64_frames_per_s`).
func tabletopFigures(seconds secondsPerFigure: Double, only: String?) throws -> [String: Double] {
    var figures: [String: Double] = [:]
    for id in TaskRegistry(TabletopTasks.entries).ids {
        let key = id.replacingOccurrences(of: "-v1", with: "")
        if only == nil || only == "\(key)_steps_per_s" {
            figures["\(key)_steps_per_s"] = try Bench.measure(seconds: secondsPerFigure, try stepper(id, render: nil))
        }
        if only == nil || only == "\(key)_render64_frames_per_s" {
            figures["\(key)_render64_frames_per_s"] = try Bench.measure(seconds: secondsPerFigure, try stepper(id, render: RenderSize(width: 64, height: 64)))
        }
    }
    return figures
}
