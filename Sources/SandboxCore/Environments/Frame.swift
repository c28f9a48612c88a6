/// An RGB image, 8 bits per channel, rows top to bottom, 3 bytes per pixel.
public struct Frame: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "Frame needs width × height × 3 bytes")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A frame whose pixels are about to be overwritten.
    public init(uninitializedWidth width: Int, height: Int) {
        self.width = width
        self.height = height
        pixels = [UInt8](unsafeUninitializedCapacity: width * height * 3) { _, count in count = width * height * 3 }
    }

    /// A frame filled with one colour.
    public init(width: Int, height: Int, fill: (UInt8, UInt8, UInt8) = (0, 0, 0)) {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in stride(from: 0, to: pixels.count, by: 3) {
            pixels[i] = fill.0; pixels[i + 1] = fill.1; pixels[i + 2] = fill.2
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    public subscript(x: Int, y: Int) -> (UInt8, UInt8, UInt8) {
        let i = (y * width + x) * 3
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// Pixels as floats in [0, 255], for pixel observations.
    public var floatPixels: [Float] {
        var values: [Float] = []
        writeFloatPixels(into: &values)
        return values
    }

    /// Writes the pixels as floats in [0, 255] into `values`, reusing its storage when it has the right size.
    public func writeFloatPixels(into values: inout [Float]) {
        if values.count != pixels.count { values = [Float](repeating: 0, count: pixels.count) }
        values.withUnsafeMutableBufferPointer { out in
            pixels.withUnsafeBufferPointer { p in
                for i in 0..<p.count { out[i] = Float(p[i]) }
            }
        }
    }
}

/// A render size in pixels, parsed from `WxH`.
public struct RenderSize: Sendable, Equatable, CustomStringConvertible {
    public let width: Int
    public let height: Int

    /// Largest side accepted; beyond this a frame is larger than any use here needs.
    public static let maximumSide = 4096

    public init(width: Int, height: Int) throws(RenderSizeError) {
        guard width > 0, height > 0 else { throw .notPositive("\(width)x\(height)") }
        guard width <= Self.maximumSide, height <= Self.maximumSide else { throw .tooLarge("\(width)x\(height)") }
        self.width = width
        self.height = height
    }

    public init(parsing text: String) throws(RenderSizeError) {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]) else { throw .malformed(text) }
        try self.init(width: w, height: h)
    }

    public var description: String { "\(width)x\(height)" }
}

public enum RenderSizeError: Error, CustomStringConvertible {
    case malformed(String)
    case notPositive(String)
    case tooLarge(String)
    public var description: String {
        switch self {
        case .malformed(let s): return "size '\(s)' is not of the form WIDTHxHEIGHT, e.g. 600x400"
        case .notPositive(let s): return "size \(s) must have a positive width and height, e.g. 600x400"
        case .tooLarge(let s): return "size \(s) is larger than \(RenderSize.maximumSide) pixels on a side; use a smaller size"
        }
    }
}
