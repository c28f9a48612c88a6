import SandboxCore

/// The Box2D tasks this module contributes to a `TaskRegistry`, in listing order. A new task is one
/// file under `Tasks/` plus one line here.
public enum PhysicsTasks {
    public static let entries: [TaskEntry] = [
        TaskEntry(spec: LunarLander.makeSpec()) { options throws(EnvironmentError) in try LunarLander(options: options) },
        TaskEntry(spec: BipedalWalker.makeSpec(hardcore: false)) { options throws(EnvironmentError) in
            try BipedalWalker(hardcore: false, options: options)
        },
        TaskEntry(spec: BipedalWalker.makeSpec(hardcore: true)) { options throws(EnvironmentError) in
            try BipedalWalker(hardcore: true, options: options)
        },
        TaskEntry(spec: CarRacing.makeSpec()) { options throws(EnvironmentError) in try CarRacing(options: options) },
        TaskEntry(spec: PlanarArm.makeSpec()) { options throws(EnvironmentError) in try PlanarArm(options: options) },
        TaskEntry(spec: MazeNavigation.makeSpec()) { options throws(EnvironmentError) in try MazeNavigation(options: options) },
    ]
}
