import Foundation
import Testing
import TestSupport
@testable import SandboxCore
@testable import Rendering
import PhysicsEnvs

@Suite("Clips, pair clips and contact sheets")
struct ClipTests {
    func frames(count: Int) throws -> [Frame] {
        let environment = try LunarLander()
        return try Rollout.run(environment, controller: environment.makeHeuristic(), seed: 2, maxSteps: count - 1,
                               renderSize: RenderSize(width: 120, height: 80)).frames
    }

    func path(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-clip-\(UUID().uuidString)-\(name)").path
    }

    @Test("GIF clips are animated GIF89a files")
    func gif() throws {
        let output = path("clip.gif")
        try GIFWriter.write(try frames(count: 12), to: output, framesPerSecond: 50)
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        #expect(data.prefix(6) == Data("GIF89a".utf8))
        #expect(data.range(of: Data("NETSCAPE2.0".utf8)) != nil)
        // Twelve image descriptors, one per frame (giflib writes 0x2C before each).
        #expect(data.filter { $0 == 0x2C }.count >= 12)
    }

    @Test("MP4 clips go through ffmpeg, or fail with a message that says to install it")
    func mp4() throws {
        let output = path("clip.mp4")
        if MP4Writer.ffmpegPath == nil {
            #expect(throws: ClipError.self) { try MP4Writer.write(try frames(count: 5), to: output, framesPerSecond: 50) }
            #expect(ClipError.ffmpegMissing(output).description.contains("apt-get install ffmpeg"))
            return
        }
        try MP4Writer.write(try frames(count: 10), to: output, framesPerSecond: 50)
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        #expect(data.range(of: Data("ftyp".utf8)) != nil)
    }

    @Test("clip formats come from the extension")
    func formats() throws {
        #expect(try ClipFormat(path: "a/b.GIF") == .gif)
        #expect(try ClipFormat(path: "x.mp4") == .mp4)
        #expect(throws: ClipError.self) { try ClipFormat(path: "x.avi") }
    }

    @Test("PNG round trip keeps every pixel")
    func pngRoundTrip() throws {
        let frame = try frames(count: 3)[2]
        let output = path("frame.png")
        try frame.writePNG(to: output)
        #expect(try Frame.readPNG(from: output) == frame)
    }

    @Test("pair clips put A left and B right and hold the shorter clip's last frame")
    func pairClip() throws {
        let a = try frames(count: 6), b = Array(try frames(count: 4).reversed())
        let pair = Composition.pairClip(a, b)
        #expect(pair.count == 6)
        #expect(pair[0].width == 120 + 8 + 120 && pair[0].height == 28 + 80)
        // The left half below the header shows A's frame.
        #expect(pair[0][60, 28 + 40] == a[0][60, 40])
        #expect(pair[5][128 + 60, 28 + 40] == b[3][60, 40])
    }

    @Test("contact sheets lay frames out in a grid")
    func contactSheet() throws {
        let sheet = try #require(Composition.contactSheet(try frames(count: 30), count: 8, columns: 4, tileWidth: 60, title: "t"))
        #expect(sheet.width == 4 * 60 + 5 * 4)
        #expect(sheet.height == 26 + 2 * 40 + 3 * 4)
    }

    @Test("render sizes parse and reject bad input")
    func renderSizes() throws {
        #expect(try RenderSize(parsing: "600x400") == RenderSize(width: 600, height: 400))
        for bad in ["600", "0x10", "-5x5", "axb", "99999x2", ""] {
            #expect(throws: RenderSizeError.self) { try RenderSize(parsing: bad) }
        }
    }
}
