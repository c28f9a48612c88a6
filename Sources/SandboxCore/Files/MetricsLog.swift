import Foundation

/// Appends one JSON object of named metrics per line (`metrics.jsonl`), flushed after every line.
/// Non-finite values are left out, since JSON cannot hold them.
public final class MetricsLog {
    private let handle: FileHandle

    /// Opens `file` for appending, creating it when missing; with `truncating`, starts it empty.
    public init(file: URL, truncating: Bool = false) throws {
        if truncating || !FileManager.default.fileExists(atPath: file.path) {
            guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
                throw FileWriteError.cannotCreate(file.path)
            }
        }
        guard let handle = try? FileHandle(forWritingTo: file) else {
            throw FileWriteError.cannotOpen(file.path)
        }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    deinit { try? handle.close() }

    public func append(_ metrics: [String: Double]) throws {
        let finite = metrics.filter { $0.value.isFinite }
        var data = try JSONSerialization.data(withJSONObject: finite, options: [.sortedKeys, .withoutEscapingSlashes])
        data.append(0x0A)
        try handle.write(contentsOf: data)
        try handle.synchronize()
    }
}

/// A file that cannot be written, with the fix.
public enum FileWriteError: Error, CustomStringConvertible {
    case cannotCreate(String)
    case cannotOpen(String)

    public var description: String {
        switch self {
        case .cannotCreate(let path): return "cannot create \(path); check that its folder exists and is writable, or pass another --out"
        case .cannotOpen(let path): return "cannot open \(path) for writing; check that it is writable"
        }
    }
}
