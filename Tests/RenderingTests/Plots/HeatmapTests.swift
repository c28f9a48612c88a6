import Testing
import TestSupport
@testable import SandboxCore
@testable import Rendering

@Suite("Heatmaps")
struct HeatmapTests {
    func close(_ a: (UInt8, UInt8, UInt8), _ b: Color, tolerance: Double = 12) -> Bool {
        abs(Double(a.0) - b.r) <= tolerance && abs(Double(a.1) - b.g) <= tolerance && abs(Double(a.2) - b.b) <= tolerance
    }

    func randomHeatmap(seed: UInt64, rows: Int = 10, columns: Int = 12) -> Heatmap {
        var generator = SeededGenerator(seed: seed)
        let values: [[Double?]] = (0..<rows).map { _ in
            (0..<columns).map { _ in Double.random(in: 0...1, using: &generator) < 0.3 ? nil : Double.random(in: -5...20, using: &generator) }
        }
        return Heatmap(title: "archive", values: values, xAxis: .init(name: "x (m)", range: 0...12), yAxis: .init(name: "y (m)", range: -1...1),
                       scaleName: "objective: progress (%)")
    }

    @Test("the colour bar runs from the lowest value's colour at the bottom to the highest's at the top")
    func colourBar() {
        let heatmap = randomHeatmap(seed: 5)
        let frame = heatmap.render()
        let layout = heatmap.layout
        #expect(frame.width == layout.width && frame.height == layout.height)
        let bar = layout.colourBar
        let x = Int(bar.x + bar.width / 2)
        #expect(close(frame[x, Int(bar.y + bar.height) - 2], Heatmap.color(0)))
        #expect(close(frame[x, Int(bar.y) + 2], Heatmap.color(1)))
        #expect(close(frame[x, Int(bar.y + bar.height / 2)], Heatmap.color(0.5), tolerance: 20))
        // The bar sits right of the grid, inside the image.
        #expect(bar.x > layout.grid.x + layout.grid.width && bar.x + bar.width < Double(layout.width))
    }

    @Test("cells are coloured by value, empty cells grey, row 0 at the bottom")
    func cells() {
        let values: [[Double?]] = [[1, nil], [nil, 3]]
        var heatmap = Heatmap(title: "t", values: values)
        heatmap.cellSize = 20
        let frame = heatmap.render(), grid = heatmap.layout.grid
        func pixel(row: Int, column: Int) -> (UInt8, UInt8, UInt8) {
            frame[Int(grid.x) + column * 20 + 10, Int(grid.y) + (1 - row) * 20 + 10]
        }
        #expect(close(pixel(row: 0, column: 0), Heatmap.color(0), tolerance: 1))
        #expect(close(pixel(row: 1, column: 1), Heatmap.color(1), tolerance: 1))
        #expect(close(pixel(row: 0, column: 1), Heatmap.emptyColor, tolerance: 1))
        #expect(heatmap.valueRange == (1, 3))
        #expect(Heatmap(title: "t", values: [[2]]).valueRange == (1.5, 2.5))
    }

    @Test("axes carry the measure names and tick values; the note names the scale and the empty cells")
    func axes() {
        let heatmap = randomHeatmap(seed: 9)
        #expect(heatmap.captions.contains("x (m) →") && heatmap.captions.contains("↑ y (m)"))
        #expect(heatmap.captions.contains("objective"))
        #expect(heatmap.captions.last!.hasPrefix("colour: objective: progress (%); grey: empty cell ("))
        let frame = heatmap.render(), grid = heatmap.layout.grid
        // Something (tick labels, the x name) is drawn below the grid and left of it; a heatmap without
        // axes leaves those bands white.
        func inked(_ f: Frame, xs: Range<Int>, ys: Range<Int>) -> Bool { ys.contains { y in xs.contains { x in f[x, y] != (255, 255, 255) } } }
        let below = Int(grid.y + grid.height) + 3..<Int(grid.y + grid.height) + 36
        let left = 0..<Int(grid.x) - 6
        #expect(inked(frame, xs: Int(grid.x)..<Int(grid.x + grid.width), ys: below))
        #expect(inked(frame, xs: left, ys: Int(grid.y)..<Int(grid.y + grid.height)))
        var bare = heatmap
        bare.xAxis = nil
        bare.yAxis = nil
        let plain = bare.render()
        #expect(!inked(plain, xs: Int(grid.x)..<Int(grid.x + grid.width), ys: below))
        #expect(!inked(plain, xs: left, ys: Int(grid.y)..<Int(grid.y + grid.height)))
    }
}
