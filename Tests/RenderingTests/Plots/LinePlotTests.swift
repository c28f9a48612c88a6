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

    @Test("the legend goes to the corner that hides the fewest points")
    func legendAvoidsData() {
        var generator = SeededGenerator(seed: 3)
        let plot = (x: 60.0, y: 40.0, width: 400.0, height: 300.0), box = (width: 100.0, height: 40.0)
        // No points: top right. Points crowding the top right: top left. Both top corners crowded: bottom right.
        #expect(LinePlot.legendCorner(points: [], plot: plot, box: box) == (356, 44))
        let topRight = (0..<30).map { _ in (Double.random(in: 380...450, using: &generator), Double.random(in: 45...80, using: &generator)) }
        #expect(LinePlot.legendCorner(points: topRight, plot: plot, box: box) == (64, 44))
        let topLeft = (0..<30).map { _ in (Double.random(in: 70...150, using: &generator), Double.random(in: 45...80, using: &generator)) }
        #expect(LinePlot.legendCorner(points: topRight + topLeft, plot: plot, box: box) == (356, 296))
    }
}
