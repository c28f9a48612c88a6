import GridWorlds
import PhysicsEnvs
import SandboxCore

/// Shared test fixtures. Each test seeds its own generators; nothing here holds state.
public enum Fixtures {
    /// Every task family's tasks, as the `sandbox` program assembles them.
    public static let tasks = TaskRegistry(PhysicsTasks.entries + TabletopTasks.entries + GridTasks.entries)

    /// A generator for a test, seeded by the test (`SeededGenerator`, the one the tasks use).
    public static func generator(seed: UInt64) -> SeededGenerator { SeededGenerator(seed: seed) }
}
