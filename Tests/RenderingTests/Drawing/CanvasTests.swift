import Testing
import TestSupport
@testable import Rendering
import SandboxCore

@Suite("Canvas")
struct CanvasTests {
    /// Widths around the conversion's 16- and 4-pixel blocks and its scalar tail.
    @Test("a frame drawn 1:1 and read back is unchanged, at every row width", arguments: [1, 3, 4, 5, 6, 15, 16, 17, 20, 21, 31, 32, 33, 47, 48, 49, 64, 600])
    func roundTrip(width: Int) {
        var generator = Fixtures.generator(seed: UInt64(width))
        let height = 3
        let frame = Frame(width: width, height: height, pixels: (0..<(width * height * 3)).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let canvas = Canvas(width: width, height: height)
        canvas.draw(frame, x: 0, y: 0, width: Double(width), height: Double(height))
        #expect(canvas.frame() == frame)
    }
}
