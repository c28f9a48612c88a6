/// Named streams of random numbers derived from one run seed, so that each part of a run draws its own
/// numbers and a seed given on the command line reproduces all of them.
///
/// The values are the constants earlier versions XORed into the seed in place, so runs and records
/// made before the names existed reproduce unchanged.
public enum SeedStream: UInt64, Sendable, CaseIterable {
    /// A learned reward model's initial weights (`sandbox pbrl`).
    case rewardModel = 0xFEED
    /// Uniform random actions in rollouts and query episodes (`--policy random`).
    case randomActions = 0x5EED
    /// A QD emitter's mutations (`sandbox qdhf`).
    case emitter = 0xE
    /// A learned measure model's initial weights (`sandbox qdhf`).
    case measureModel = 0xD

    /// This stream's seed for a run (or episode) seed.
    public func seed(from seed: UInt64) -> UInt64 { seed ^ rawValue }
}
