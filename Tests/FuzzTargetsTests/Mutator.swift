import Foundation
import SandboxCore

/// Seeded mutations of a seed input, in the spirit of libFuzzer's: byte flips, truncations,
/// insertions, deletions, splices with another seed, and numbers in the text replaced by edge values
/// (−1, 0, 1, 1e9, huge and negative whole numbers, NaN, infinity, long digit strings). Deterministic
/// for a given generator, so a failing mutation is found again from its test's seed.
struct Mutator {
    var generator: SeededGenerator

    /// Texts that stress number parsing and arithmetic where a number stood.
    static let edgeNumbers = ["-1", "0", "1", "1e9", "-1e9", "1e300", "-1e300", "1e400", "9223372036854775807",
                              "-9223372036854775808", "9223372036854775808", "18446744073709551616", "4294967296",
                              "NaN", "nan", "inf", "-inf", "Infinity", "1.5", "-0", "0.0000001", "1e-400",
                              String(repeating: "9", count: 40), "\"1\"", "null", "[]", "{}", "true"]

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    /// One to four mutations of `input`; `other` is a second seed to splice from.
    mutating func mutate(_ input: [UInt8], other: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0..<pick(1, 4) { bytes = mutateOnce(bytes, other: other) }
        return bytes
    }

    /// A whole number from `low` to `high`, both included.
    private mutating func pick(_ low: Int, _ high: Int) -> Int { generator.integer(low, high + 1) }

    private mutating func position(in bytes: [UInt8]) -> Int { bytes.isEmpty ? 0 : pick(0, bytes.count - 1) }

    private mutating func mutateOnce(_ input: [UInt8], other: [UInt8]) -> [UInt8] {
        var bytes = input
        switch pick(0, 7) {
        case 0 where !bytes.isEmpty:  // flip a bit
            let i = position(in: bytes)
            bytes[i] ^= UInt8(1) << UInt8(pick(0, 7))
        case 1:  // truncate
            bytes = Array(bytes.prefix(position(in: bytes)))
        case 2:  // insert a random or structural byte
            let structural: [UInt8] = Array("{}[]\",:-0123456789eE.\n=x ".utf8) + [0, 0xFF, 0xC3]
            let byte = pick(0, 1) == 0 ? structural[pick(0, structural.count - 1)] : UInt8(pick(0, 255))
            bytes.insert(byte, at: bytes.isEmpty ? 0 : pick(0, bytes.count))
        case 3 where !bytes.isEmpty:  // delete a run
            let start = position(in: bytes)
            bytes.removeSubrange(start..<Swift.min(bytes.count, start + pick(1, 16)))
        case 4 where !other.isEmpty:  // splice: a prefix of this input and a suffix of the other
            bytes = Array(bytes.prefix(position(in: bytes))) + Array(other.suffix(from: position(in: other)))
        case 5, 6:  // replace a number with an edge value
            bytes = replacingNumber(in: bytes)
        case 7 where !bytes.isEmpty:  // duplicate a run (lengthens arrays and strings)
            let start = position(in: bytes)
            let run = bytes[start..<Swift.min(bytes.count, start + pick(1, 64))]
            bytes.insert(contentsOf: run, at: start)
        default:
            bytes.append(UInt8(pick(0, 255)))
        }
        return bytes
    }

    /// Replaces the digits of one number in the bytes (chosen at random) with one of `edgeNumbers`.
    private mutating func replacingNumber(in bytes: [UInt8]) -> [UInt8] {
        func isNumeric(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x2E || b == 0x65 || b == 0x2B }
        let starts = bytes.indices.filter { i in (bytes[i] >= 0x30 && bytes[i] <= 0x39 || bytes[i] == 0x2D) && (i == 0 || !isNumeric(bytes[i - 1])) }
        let edge = Array(Self.edgeNumbers[pick(0, Self.edgeNumbers.count - 1)].utf8)
        guard !starts.isEmpty else { return bytes + edge }
        let start = starts[pick(0, starts.count - 1)]
        var end = start
        while end < bytes.count, isNumeric(bytes[end]) { end += 1 }
        var result = bytes
        result.replaceSubrange(start..<end, with: edge)
        return result
    }
}
