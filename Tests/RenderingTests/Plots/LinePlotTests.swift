import Testing
import TestSupport
@testable import SandboxCore
@testable import Rendering
import PhysicsEnvs

@Suite("Line plots")
struct LinePlotTests {
    /// Whether every pixel in columns `xs` of rows `ys` is white.
    func isBlank(_ frame: Frame, xs: Range<Int>, ys: Range<Int>) -> Bool {
        ys.allSatisfy { y in xs.allSatisfy { x in frame[x, y] == (255, 255, 255) } }
    }

    @Test("a long title shrinks to fit inside the image instead of being cut off")
    func longTitleFits() {
        var generator = SeededGenerator(seed: 7)
        let points = (0..<20).map { (x: Double($0), y: Double.random(in: -1...1, using: &generator)) }
        let title = "PrefPPO with 1 demonstration per round on LunarLanderContinuous: true return against environment steps"
        let plot = LinePlot(title: title, xLabel: "steps", yLabel: "return", series: [.init(label: "run", points: points)])
        let canvas = Canvas(width: plot.width, height: plot.height)
        let room = Double(plot.width) - LinePlot.margins.left - LinePlot.margins.right
        let size = canvas.fittingSize(title, width: room, size: 16)
        #expect(size < 16)
        #expect(canvas.textWidth(title, size: size) <= room)
        #expect(canvas.fittingSize("short", width: 200, size: 16) == 16)
        // The title band's last 15 columns stay white, and its text is drawn.
        let frame = plot.render()
        #expect(isBlank(frame, xs: plot.width - 15..<plot.width, ys: 8..<32))
        #expect(!isBlank(frame, xs: Int(LinePlot.margins.left)..<plot.width - Int(LinePlot.margins.right), ys: 8..<32))
    }

    @Test("the legend sits in a band below the plot area, wrapping into rows, and never covers a curve")
    func legendBelowPlot() {
        var generator = SeededGenerator(seed: 3)
        let series = (0..<4).map { i in
            LinePlot.Series(label: "LunarLanderContinuous-v1 · PPO · seed \(i)",
                            points: (0..<50).map { (x: Double($0) * 1000, y: Double.random(in: -100...200, using: &generator)) })
        }
        let plot = LinePlot(title: "t", xLabel: "steps", yLabel: "return", series: series)
        let canvas = Canvas(width: plot.width, height: plot.height)
        let placement = LinePlot.legendPlacement(labelWidths: series.map { canvas.textWidth($0.label, size: 12, bold: false) },
                                                 width: Double(plot.width))
        #expect(placement.map(\.row) == [0, 0, 1, 1])
        let rows = 2
        let area = plot.plotArea(legendRows: rows)
        let frame = plot.render()
        // Each entry's swatch (its series' colour) is drawn below the plot area and its x label.
        let bandTop = area.y + area.height + LinePlot.margins.bottom - 6
        for (i, p) in placement.enumerated() {
            let y = Int(bandTop + Double(p.row) * LinePlot.legendRowHeight + 7), x = Int(p.x + 10)
            let c = LinePlot.palette[i]
            #expect(frame[x, y] == (UInt8(c.r), UInt8(c.g), UInt8(c.b)), "entry \(i)")
            #expect(Double(y) > area.y + area.height + 30)
        }
        #expect(bandTop + Double(rows) * LinePlot.legendRowHeight <= Double(plot.height))
        #expect(LinePlot.legendPlacement(labelWidths: [40, 40], width: 800).map(\.row) == [0, 0])
    }

    @Test("a short run's last point is marked with a dot in its colour beside a long run")
    func shortRunVisible() {
        var generator = SeededGenerator(seed: 8)
        let long = (0..<500).map { (x: Double($0) * 2000, y: Double.random(in: 0...100, using: &generator)) }
        let short = (0..<5).map { (x: Double($0) * 2000, y: 50 + Double($0)) }
        let plot = LinePlot(title: "t", xLabel: "steps", yLabel: "return", series: [.init(label: "long", points: long), .init(label: "short", points: short)])
        let frame = plot.render()
        let area = plot.plotArea(legendRows: 1)
        // Where the short run ends: x = 8000 of 998000, y = 54 in the padded y range.
        let ys = long.map(\.y) + short.map(\.y)
        var (low, high) = (ys.min()!, ys.max()!)
        let pad = (high - low) * 0.05
        (low, high) = (low - pad, high + pad)
        let x = area.x + 8000 / 998_000 * area.width, y = area.y + (1 - (54 - low) / (high - low)) * area.height
        let c = LinePlot.palette[1]
        // The dot (radius 3.5) is drawn over the long run's curve.
        let hits = (-2...2).flatMap { dx in (-2...2).map { dy in frame[Int(x) + dx, Int(y) + dy] } }
        #expect(hits.filter { $0 == (UInt8(c.r), UInt8(c.g), UInt8(c.b)) }.count >= 9)
    }

    @Test("a log-x plot ticks at powers of ten and leaves out steps at or below 0")
    func logX() {
        #expect(LinePlot.logTicks(1.3, 6) == [100, 1000, 10_000, 100_000, 1_000_000])
        #expect(LinePlot.logTicks(2.1, 2.5).count == 2)
        var plot = LinePlot(title: "t", xLabel: "steps", yLabel: "r", series: [.init(label: "a", points: [(x: 0, y: 1), (x: 10, y: 2), (x: 1000, y: 3)])])
        plot.logX = true
        let frame = plot.render()
        #expect(frame.width == plot.width && frame.height == plot.height)
    }

    @Test("labels too long for the legend are cut in the middle")
    func longLabels() {
        let canvas = Canvas(width: 10, height: 10)
        let label = String(repeating: "very long run name ", count: 20) + "seed 3"
        let short = LinePlot.shortened(label, to: 300, on: canvas)
        #expect(canvas.textWidth(short, size: 12, bold: false) <= 300)
        #expect(short.contains("…") && short.hasPrefix("very") && short.hasSuffix("seed 3"))
        #expect(LinePlot.shortened("short", to: 300, on: canvas) == "short")
    }
}
