import Foundation

/// The parsers of outside data that issue 23 asks never to crash, each with an entry point that takes
/// any bytes: the fuzzer (`sandbox-fuzz`, built by `make fuzz`) and the tests (`FuzzTargetsTests`) feed
/// them. An entry point may throw — a thrown error is the parser refusing the input, as it should — but
/// it must not trap, hang or exhaust memory.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// An episode record file (`replay`, `pair`), then the checks a replay makes before its first step.
    case episodeRecord = "episode-record"
    /// A safetensors file: its 8-byte header length, JSON header and tensor ranges.
    case safetensors
    /// The JSON Lines of `sandbox queries import`.
    case labelImport = "label-import"
    /// An archive bundle's `manifest.json`, and the archive made from it.
    case bundleManifest = "bundle-manifest"
    /// A reward hierarchy file (`--teacher hierarchy:FILE`).
    case hierarchy
    /// A command line (one argument per line of the input) with every typed option value in it.
    case arguments

    /// Runs the target's parser on `data`; a thrown error is the parser's refusal, with its message.
    public func run(_ data: Data) throws {
        switch self {
        case .episodeRecord: try FuzzEntry.episodeRecord(data)
        case .safetensors: try FuzzEntry.safetensors(data)
        case .labelImport: try FuzzEntry.labelImport(data)
        case .bundleManifest: try FuzzEntry.bundleManifest(data)
        case .hierarchy: try FuzzEntry.hierarchy(data)
        case .arguments: try FuzzEntry.arguments(data)
        }
    }
}

/// The entry points, one per parser (one file each).
public enum FuzzEntry {}
