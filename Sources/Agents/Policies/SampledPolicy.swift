import SandboxCore

/// A policy that samples its actions from a seeded generator: stochastic evaluation, and the episodes a
/// preference loop rolls out for queries.
public final class SampledPolicy: Controller {
    public let policy: Policy
    private var generator: SeededGenerator

    public init(_ policy: Policy, seed: UInt64) {
        self.policy = policy
        generator = SeededGenerator(seed: seed)
    }

    public func action(for observation: [Float]) -> [Float] { policy.sampledAction(for: observation, using: &generator) }
}
