import SandboxCore
import Foundation

public enum ClipError: Error, CustomStringConvertible {
    case unsupportedExtension(String)
    case ffmpegMissing(String)
    case ffmpegFailed(String, status: Int32, output: String)
    case cannotWrite(String, reason: String)
    case noFrames(String)

    public var description: String {
        switch self {
        case .unsupportedExtension(let path):
            return "cannot tell the clip format of \(path); name it .gif or .mp4"
        case .ffmpegMissing(let path):
            return "writing \(path) needs the ffmpeg command, which is not installed; install it (apt-get install ffmpeg) or write a .gif instead"
        case let .ffmpegFailed(path, status, output):
            return "ffmpeg failed (exit \(status)) writing \(path): \(output.split(separator: "\n").suffix(2).joined(separator: " "))"
        case let .cannotWrite(path, reason):
            return "cannot write \(path): \(reason)"
        case .noFrames(let path):
            return "no frames to write to \(path)"
        }
    }
}

/// Checks up front that `path` can be created (its folder exists and is writable), so that long work
/// is not done for a file that cannot be written.
public func checkWritable(_ path: String) throws {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw ClipError.cannotWrite(path, reason: "folder \(directory) does not exist; create it first")
    }
    guard FileManager.default.isWritableFile(atPath: directory) else {
        throw ClipError.cannotWrite(path, reason: "folder \(directory) is not writable")
    }
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
        throw ClipError.cannotWrite(path, reason: "it is a folder; give a file name")
    }
    // Permissions do not tell everything (as root every folder looks writable, /proc included): try.
    let probe = URL(fileURLWithPath: directory).appendingPathComponent(".sandbox-write-check-\(getpid())")
    guard FileManager.default.createFile(atPath: probe.path, contents: Data("x".utf8)) else {
        throw ClipError.cannotWrite(path, reason: "files cannot be created in folder \(directory)")
    }
    try? FileManager.default.removeItem(at: probe)
}
