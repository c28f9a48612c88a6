import Foundation

/// Everything needed to replay an episode bit for bit: task id and version, options, seed and actions,
/// plus what the episode produced, so that a replay can say whether it matched.
///
/// Stored as JSON (see the README's "File formats"):
/// `{"format": 1, "task": "LunarLanderContinuous", "version": 1, "options": {...}, "seed": 3,
///   "actions": [[0.1, -0.5], ...], "return": 251.3, "length": 312, "term_sums": {...},
///   "terminated": true, "truncated": false, "digest": "9f2c..."}`
public struct EpisodeRecord: Codable, Equatable, Sendable {
    public static let formatVersion = 1

    public var format: Int
    public var task: String
    public var version: Int
    public var options: [String: Double]
    public var seed: UInt64
    public var actions: [[Float]]
    /// Sum of rewards.
    public var episodeReturn: Double
    public var length: Int
    /// Sum of each reward term over the episode.
    public var termSums: [String: Double]
    public var terminated: Bool
    public var truncated: Bool
    /// FNV-1a digest of every observation and reward, in hex: equal digests mean identical episodes.
    public var digest: String

    enum CodingKeys: String, CodingKey {
        case format, task, version, options, seed, actions, length, terminated, truncated, digest
        case episodeReturn = "return"
        case termSums = "term_sums"
    }

    public var taskID: String { "\(task)-v\(version)" }

    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try writeAtomically(try encoder.encode(self), to: url)
    }

    /// Reads a record, with errors that say what is wrong with the file.
    public static func read(from url: URL) throws -> EpisodeRecord {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw RecordError.unreadable(url.path, reason: describeFileError(error))
        }
        return try decode(data, path: url.path)
    }

    /// Decodes a record from the bytes of a record file; `path` names the file in errors.
    public static func decode(_ data: Data, path: String = "record") throws -> EpisodeRecord {
        let record: EpisodeRecord
        do { record = try decodeJSONFile(EpisodeRecord.self, from: data) } catch {
            throw RecordError.malformed(path, reason: error.description)
        }
        guard record.format <= formatVersion else {
            throw RecordError.newerFormat(path, found: record.format, supported: formatVersion)
        }
        return record
    }
}

public enum RecordError: Error, CustomStringConvertible {
    case unreadable(String, reason: String)
    case malformed(String, reason: String)
    case newerFormat(String, found: Int, supported: Int)
    case versionMismatch(path: String, recorded: String, available: String)
    case actionCount(path: String, step: Int, expected: Int, got: Int)
    case segmentOutOfRange(start: Int, length: Int, episodeLength: Int)
    case invalidTask(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "cannot read episode record \(path): \(reason)"
        case let .malformed(path, reason): return "episode record \(path) is malformed: \(reason)"
        case let .newerFormat(path, found, supported):
            return "episode record \(path) has format \(found) but this build reads up to \(supported); update sandbox"
        case let .versionMismatch(path, recorded, available):
            return "episode record \(path) is for \(recorded) but this build has \(available); replay it with the sandbox version that recorded it"
        case let .actionCount(path, step, expected, got):
            return "episode record \(path): action \(step) has \(got) entries, the task needs \(expected)"
        case let .invalidTask(path, reason):
            return "episode record \(path) cannot be replayed here: \(reason)"
        case let .segmentOutOfRange(start, length, episodeLength):
            return "segment of \(length) steps from step \(start) does not fit an episode of \(episodeLength) steps (a segment starts within its episode and has 1 to \(Rollout.maximumSegmentLength) steps; only a terminated episode's segments may run past its end)"
        }
    }
}

public func describe(_ error: DecodingError) -> String {
    func path(_ context: DecodingError.Context) -> String {
        let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
        return keys.isEmpty ? "top level" : keys.joined(separator: ".")
    }
    switch error {
    case let .keyNotFound(key, context): return "missing field '\(key.stringValue)' at \(path(context))"
    case let .typeMismatch(_, context): return "wrong type at \(path(context)): \(context.debugDescription)"
    case let .valueNotFound(_, context): return "missing value at \(path(context))"
    case let .dataCorrupted(context) where !context.codingPath.isEmpty:
        // The JSON parsed; one value in it did not (a negative seed, a reward text that does not parse).
        return "bad value at \(path(context)): \(context.debugDescription)"
    case let .dataCorrupted(context): return "not valid JSON (\(context.underlyingError.map { "\($0)" } ?? context.debugDescription))"
    @unknown default: return "\(error)"
    }
}

/// A 64-bit FNV-1a hash over observations and rewards, bit for bit.
public struct EpisodeDigest {
    private var hash: UInt64 = 0xCBF2_9CE4_8422_2325

    public init() {}

    public mutating func add(_ values: [Float]) {
        for v in values { add(UInt64(v.bitPattern)) }
    }

    public mutating func add(_ value: Double) { add(value.bitPattern) }

    private mutating func add(_ word: UInt64) {
        var w = word
        for _ in 0..<8 {
            hash ^= w & 0xFF
            hash = hash &* 0x100_0000_01B3
            w >>= 8
        }
    }

    public var hex: String { String(format: "%016llx", hash) }
}
