import SandboxCore

/// The gridworld tasks this module contributes to a `TaskRegistry`, in listing order. A new task is one
/// file under `Tasks/` plus one line here.
public enum GridTasks {
    public static let entries: [TaskEntry] = [
        TaskEntry(spec: GridWorld.makeSpec()) { options throws(EnvironmentError) in try GridWorld(options: options) },
        TaskEntry(spec: Delivery.makeSpec()) { options throws(EnvironmentError) in try Delivery(options: options) },
    ]
}
