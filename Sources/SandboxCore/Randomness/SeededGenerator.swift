import Foundation

/// A fast, seedable, deterministic random number generator (xoshiro256** seeded through SplitMix64).
///
/// Every stochastic part of a task draws from one of these, so that (task, version, seed, actions)
/// determines an episode bit for bit on every machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Codable, Equatable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var splitMix = seed
        func next() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (next(), next(), next(), next())
    }

    public mutating func next() -> UInt64 {
        let result = rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotl(state.3, 45)
        return result
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A double in [low, high), as numpy's `Generator.uniform`.
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        let unit = Double(next() >> 11) * 0x1.0p-53
        return low + (high - low) * unit
    }

    /// An integer in [low, high), as numpy's `Generator.integers(low, high)`.
    public mutating func integer(_ low: Int, _ high: Int) -> Int {
        precondition(high > low, "integer(low:high:) needs high > low")
        return low + Int(next(upperBound: UInt64(high - low)))
    }

    /// A standard normal sample (Box–Muller on two `uniform(0, 1)` draws, the first kept above 0).
    public mutating func normal() -> Double {
        let u1 = Swift.max(uniform(0, 1), 1e-300), u2 = uniform(0, 1)
        return boxMuller(u1, u2)
    }

    public static func == (a: SeededGenerator, b: SeededGenerator) -> Bool {
        a.state.0 == b.state.0 && a.state.1 == b.state.1 && a.state.2 == b.state.2 && a.state.3 == b.state.3
    }

    enum CodingKeys: CodingKey { case state }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let s = try c.decode([UInt64].self, forKey: .state)
        guard s.count == 4 else { throw DecodingError.dataCorruptedError(forKey: .state, in: c, debugDescription: "needs 4 words") }
        state = (s[0], s[1], s[2], s[3])
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode([state.0, state.1, state.2, state.3], forKey: .state)
    }
}

/// Box–Muller: a standard normal sample from two uniform draws, u1 in (0, 1] and u2 in [0, 1).
@inline(__always)
public func boxMuller(_ u1: Double, _ u2: Double) -> Double {
    (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
}
