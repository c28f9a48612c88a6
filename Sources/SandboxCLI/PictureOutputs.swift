import Foundation
import Rendering

/// Picture and clip files named on the command line: each option writes one format, told by the
/// file's extension, and a wrong extension is a usage error (exit status 2) that names the right one,
/// checked before any work is done.
enum PictureOutputs {
    /// Checks that `path`, given to `option` (e.g. "--sheet"), ends in `.png`.
    static func checkPNG(_ path: String, option: String) throws {
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        guard ext == "png" else {
            throw UsageError("\(option) \(path): this picture is written as a PNG; name it with .png, e.g. \(renamed(path, to: "png"))")
        }
    }

    /// The clip format `path` names (.gif or .mp4), checked to be writable here (MP4 needs ffmpeg).
    static func clipFormat(_ path: String, option: String = "--clip") throws -> ClipFormat {
        guard let format = try? ClipFormat(path: path) else {
            throw UsageError("\(option) \(path): clips are written as .gif or .mp4; name it e.g. \(renamed(path, to: "gif"))")
        }
        try format.checkAvailable(for: path)
        return format
    }

    /// `path` with its extension replaced (or added).
    static func renamed(_ path: String, to ext: String) -> String {
        let url = URL(fileURLWithPath: path)
        let name = url.pathExtension.isEmpty ? url.lastPathComponent : url.deletingPathExtension().lastPathComponent
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "\(name).\(ext)" : "\(folder)/\(name).\(ext)"
    }
}
