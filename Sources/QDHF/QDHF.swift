import PhysicsEnvs

/// Quality diversity through human feedback: archives, emitters, schedulers and learned measures.
///
/// This module is being built (issue 6); it currently only re-exports the tasks it will search over.
public enum QDHF {
    /// Tasks whose policies an archive can hold: every registered task.
    public static var tasks: [TaskSpec] { TaskRegistry.specs }
}
