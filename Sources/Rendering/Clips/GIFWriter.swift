import SandboxCore
internal import CGif
import Foundation

/// Writes frames as a looping animated GIF through giflib, with a median-cut palette per frame
/// (`GifQuantizeBuffer`).
public enum GIFWriter {
    /// - Parameter framesPerSecond: playback rate; GIF delays are whole centiseconds.
    public static func write(_ frames: [Frame], to path: String, framesPerSecond: Int) throws {
        guard let first = frames.first else { throw ClipError.noFrames(path) }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp").path
        var error: Int32 = 0
        guard let gif = EGifOpenFileName(temporary, false, &error) else {
            throw ClipError.cannotWrite(path, reason: String(cString: GifErrorString(error)))
        }
        var closed = false
        defer { if !closed { EGifCloseFile(gif, &error); unlink(temporary) } }
        func check(_ status: Int32) throws {
            if status != GIF_OK { throw ClipError.cannotWrite(path, reason: String(cString: GifErrorString(gif.pointee.Error))) }
        }
        EGifSetGifVersion(gif, true)  // GIF89a, needed for animation
        let width = Int32(first.width), height = Int32(first.height)
        try check(EGifPutScreenDesc(gif, width, height, 8, 0, nil))
        // NETSCAPE2.0 application extension: loop forever.
        try check(EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE))
        var netscape = Array("NETSCAPE2.0".utf8)
        try check(EGifPutExtensionBlock(gif, 11, &netscape))
        var loop: [UInt8] = [1, 0, 0]
        try check(EGifPutExtensionBlock(gif, 3, &loop))
        try check(EGifPutExtensionTrailer(gif))

        let delay = max(2, Int((100.0 / Double(max(framesPerSecond, 1))).rounded()))
        let count = first.width * first.height
        var red = [UInt8](repeating: 0, count: count), green = red, blue = red, indices = red
        guard let colorMap = GifMakeMapObject(256, nil) else { throw ClipError.cannotWrite(path, reason: "out of memory") }
        defer { GifFreeMapObject(colorMap) }
        for frame in frames {
            precondition(frame.width == first.width && frame.height == first.height, "all frames of a clip need one size")
            frame.pixels.withUnsafeBufferPointer { p in
                for i in 0..<count {
                    red[i] = p[3 * i]; green[i] = p[3 * i + 1]; blue[i] = p[3 * i + 2]
                }
            }
            var colorCount: Int32 = 256
            try check(GifQuantizeBuffer(UInt32(width), UInt32(height), &colorCount, &red, &green, &blue, &indices, colorMap.pointee.Colors))
            colorMap.pointee.ColorCount = 256
            colorMap.pointee.BitsPerPixel = 8
            var control: [UInt8] = [0x04, UInt8(delay & 0xFF), UInt8(delay >> 8), 0]  // disposal: leave in place
            try check(EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, 4, &control))
            try check(EGifPutImageDesc(gif, 0, 0, width, height, false, colorMap))
            try indices.withUnsafeMutableBufferPointer { buffer in
                for row in 0..<Int(height) {
                    try check(EGifPutLine(gif, buffer.baseAddress! + row * Int(width), width))
                }
            }
        }
        closed = true
        guard EGifCloseFile(gif, &error) == GIF_OK else {
            unlink(temporary)
            throw ClipError.cannotWrite(path, reason: String(cString: GifErrorString(error)))
        }
        chmod(temporary, 0o644)  // giflib creates files readable by the owner only
        guard rename(temporary, path) == 0 else { throw ClipError.cannotWrite(path, reason: String(cString: strerror(errno))) }
    }
}
