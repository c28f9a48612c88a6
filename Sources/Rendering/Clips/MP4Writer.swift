import SandboxCore
import Foundation

/// Writes frames as an H.264 MP4 by piping raw RGB to the `ffmpeg` command.
public enum MP4Writer {
    /// The ffmpeg executable on PATH, if any.
    public static var ffmpegPath: String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for directory in paths {
            let candidate = "\(directory)/ffmpeg"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    public static func write(_ frames: [Frame], to path: String, framesPerSecond: Int) throws {
        guard let first = frames.first else { throw ClipError.noFrames(path) }
        guard let ffmpeg = ffmpegPath else { throw ClipError.ffmpegMissing(path) }
        signal(SIGPIPE, SIG_IGN)  // a failing ffmpeg must give an error, not kill the process
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp.mp4").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ffmpeg)
        process.arguments = [
            "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
            "-s", "\(first.width)x\(first.height)", "-r", "\(framesPerSecond)", "-i", "-",
            "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264", "-pix_fmt", "yuv420p",
            "-movflags", "+faststart", temporary,
        ]
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        var writeFailed = false
        for frame in frames {
            precondition(frame.width == first.width && frame.height == first.height, "all frames of a clip need one size")
            do { try input.fileHandleForWriting.write(contentsOf: frame.pixels) } catch { writeFailed = true; break }
        }
        try? input.fileHandleForWriting.close()
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, !writeFailed else {
            unlink(temporary)
            throw ClipError.ffmpegFailed(path, status: process.terminationStatus, output: output)
        }
        guard rename(temporary, path) == 0 else { throw ClipError.cannotWrite(path, reason: String(cString: strerror(errno))) }
    }
}

/// Clip formats, chosen by file extension.
public enum ClipFormat: String, Sendable {
    case gif, mp4

    public init(path: String) throws {
        guard let format = ClipFormat(rawValue: URL(fileURLWithPath: path).pathExtension.lowercased()) else {
            throw ClipError.unsupportedExtension(path)
        }
        self = format
    }

    /// Fails early when the format cannot be written here (MP4 without ffmpeg).
    public func checkAvailable(for path: String) throws {
        if self == .mp4 && MP4Writer.ffmpegPath == nil { throw ClipError.ffmpegMissing(path) }
    }

    public func write(_ frames: [Frame], to path: String, framesPerSecond: Int) throws {
        switch self {
        case .gif: try GIFWriter.write(frames, to: path, framesPerSecond: framesPerSecond)
        case .mp4: try MP4Writer.write(frames, to: path, framesPerSecond: framesPerSecond)
        }
    }
}
