import SandboxCore
internal import CCairo
import Foundation

extension Frame {
    /// Writes the frame as a PNG file (through Cairo), atomically.
    public func writePNG(to path: String) throws {
        let surface = Canvas.surface(from: self)
        defer { cairo_surface_destroy(surface) }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp").path
        let status = cairo_surface_write_to_png(surface, temporary)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw ClipError.cannotWrite(path, reason: String(cString: cairo_status_to_string(status)))
        }
        guard rename(temporary, path) == 0 else {
            throw ClipError.cannotWrite(path, reason: String(cString: strerror(errno)))
        }
    }

    /// Reads a PNG file into a frame (alpha is dropped).
    public static func readPNG(from path: String) throws -> Frame {
        let surface = cairo_image_surface_create_from_png(path)!
        defer { cairo_surface_destroy(surface) }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw ClipError.cannotWrite(path, reason: "not a readable PNG")
        }
        let width = Int(cairo_image_surface_get_width(surface)), height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = cairo_image_surface_get_data(surface)!
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            let row = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<width {
                let p = row[x], o = (y * width + x) * 3
                pixels[o] = UInt8(truncatingIfNeeded: p >> 16)
                pixels[o + 1] = UInt8(truncatingIfNeeded: p >> 8)
                pixels[o + 2] = UInt8(truncatingIfNeeded: p)
            }
        }
        return Frame(width: width, height: height, pixels: pixels)
    }
}
