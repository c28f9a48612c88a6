import PhysicsEnvs

/// Preference-based reward learning: query selection, label store, teachers and preference models.
///
/// This module is being built (issue 5); it currently only re-exports the tasks it will learn on.
public enum RewardLearning {
    /// Tasks a reward can be learned for: every registered task.
    public static var tasks: [TaskSpec] { TaskRegistry.specs }
}
