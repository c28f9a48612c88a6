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

    @Test("a pair clip shows each side's return so far and dims a side once its episode has ended")
    func pairClipEndsAndReturns() throws {
        let a = try frames(count: 8), b = Array(try frames(count: 5))
        let returnsA = (0..<8).map { Double($0) * 1.5 }, returnsB = (0..<5).map { -Double($0) }
        let sides = [ClipSide(frames: a, label: "A", returns: returnsA),
                     ClipSide(frames: b, label: "B", returns: returnsB, endFrame: 4, outcome: .terminated(reason: "crashed"))]
        let pair = Composition.sideBySide(sides, caption: "test")
        let header = Composition.headerHeight
        #expect(pair.count == 8)
        #expect(pair[0].height == header + 80 + Composition.returnRowHeight + 20)
        #expect(sides[0].returnText(at: 3) == "return 4.5" && sides[1].returnText(at: 7) == "return -4.0")
        #expect(sides[1].endText(at: 3) == nil && sides[1].endText(at: 4) == "ended: crashed")
        #expect(sides[0].endText(at: 7) == nil)
        // Before B ends its frame is shown as is; from its end on, the held frame is dimmed and tagged amber.
        #expect(pair[3][128 + 100, header + 60] == b[3][100, 60])
        // A bright pixel of B's held frame (the ground) is darker once B has ended.
        let bright = try #require((0..<80).lazy.flatMap { y in (20..<120).map { (x: $0, y: y) } }.first { b[4][$0.x, $0.y].0 > 150 })
        let held = b[4][bright.x, bright.y], dimmed = pair[6][128 + bright.x, header + bright.y]
        #expect(Int(dimmed.0) < Int(held.0) - 50)
        #expect(pair[4][128 + bright.x, header + bright.y].0 < held.0, "dimmed from the end frame on")
        func amber(_ p: (UInt8, UInt8, UInt8)) -> Bool { p == (250, 190, 60) }
        let tagRow = (128 + 8)..<(128 + 14)
        #expect(tagRow.contains { amber(pair[6][$0, header + 9]) })
        #expect(!tagRow.contains { amber(pair[3][$0, header + 9]) })
        #expect(!(8..<14).contains { amber(pair[7][$0, header + 9]) }, "A never ended")
        // The return row under the frames has text in it.
        let row = header + 80 + 2..<header + 80 + Composition.returnRowHeight
        #expect(row.contains { y in (0..<120).contains { pair[5][$0, y] != (30, 30, 36) } })
    }

    @Test("a replayed segment becomes a side with its running return and its end")
    func segmentSide() throws {
        let environment = try LunarLander()
        let record = try Rollout.run(environment, controller: environment.makeHeuristic(), seed: 1).record
        let segment = try Rollout.segment(of: record, in: Fixtures.tasks, start: record.length - 5, length: 10,
                                          renderSize: RenderSize(width: 30, height: 20))
        let side = ClipSide(segment, label: "A")
        #expect(side.endFrame == 5 && side.endText(at: 5) == "ended: landed")
        #expect(side.returns == segment.cumulativeReturns)
        #expect(ClipSide(segment, label: "A", showsReturn: false).returnText(at: 3) == nil)
        let untilEnd = try Rollout.segment(of: record, in: Fixtures.tasks, start: record.length - 5, length: 5,
                                           renderSize: RenderSize(width: 30, height: 20))
        #expect(ClipSide(untilEnd, label: "A").endFrame == 5, "a segment that ends with its episode marks its last frame")
    }

    @Test("a contact sheet's last tile says how the episode ended")
    func contactSheetOutcome() throws {
        let frames = try frames(count: 30)
        let sheet = try #require(Composition.contactSheet(frames, count: 8, columns: 4, tileWidth: 60, outcome: .terminated(reason: "landed")))
        let plain = try #require(Composition.contactSheet(frames, count: 8, columns: 4, tileWidth: 60))
        // The last tile (row 1, column 3) starts at x = 4 + 3 · 64, y = 4 + 44; its label is amber.
        let x = 4 + 3 * 64, y = 4 + 44
        func amber(_ p: (UInt8, UInt8, UInt8)) -> Bool { p == (250, 190, 60) }
        #expect((x..<x + 4).contains { amber(sheet[$0, y + 1]) })
        #expect(!(x..<x + 4).contains { amber(plain[$0, y + 1]) })
        #expect(!(4..<8).contains { amber(sheet[$0, 5]) }, "only the last tile")
        #expect(Composition.outcomeText(.terminated(reason: "fell")) == "ended: fell")
        #expect(Composition.outcomeText(.truncated) == "ended: time limit")
        #expect(Composition.outcomeText(.running) == "stopped")
    }

    @Test("render sizes parse and reject bad input")
    func renderSizes() throws {
        #expect(try RenderSize(parsing: "600x400") == RenderSize(width: 600, height: 400))
        for bad in ["600", "0x10", "-5x5", "axb", "99999x2", ""] {
            #expect(throws: RenderSizeError.self) { try RenderSize(parsing: bad) }
        }
    }
}
