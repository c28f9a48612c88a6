import SandboxCore
import Foundation

/// A line chart rendered offscreen to a frame or PNG: learning curves and other series over steps.
public struct LinePlot {
    public struct Series {
        public var label: String
        public var points: [(x: Double, y: Double)]
        public init(label: String, points: [(x: Double, y: Double)]) {
            self.label = label
            self.points = points
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var width = 800
    public var height = 480

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    /// Colours for successive series (Tableau 10).
    static let palette: [Color] = [
        Color(31, 119, 180), Color(255, 127, 14), Color(44, 160, 44), Color(214, 39, 40), Color(148, 103, 189),
        Color(140, 86, 75), Color(227, 119, 194), Color(127, 127, 127), Color(188, 189, 34), Color(23, 190, 207),
    ]

    /// "Nice" tick values covering [low, high].
    static func ticks(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
        guard high > low else { return [low] }
        let raw = (high - low) / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var values: [Double] = []
        var v = ceil(low / step) * step
        while v <= high + step * 1e-9 {
            values.append(abs(v) < step * 1e-9 ? 0 : v)
            v += step
        }
        return values
    }

    static func format(_ v: Double) -> String {
        let a = abs(v)
        if a >= 1e6 { return String(format: "%gM", v / 1e6) }
        if a >= 1e4 { return String(format: "%gk", v / 1e3) }
        if a == a.rounded() { return String(Int(v)) }
        return String(format: "%.3g", v)
    }

    /// Room around the plot area, in pixels: tick labels on the left, the title above, tick labels and
    /// the x label below.
    static let margins = (left: 70.0, right: 20.0, top: 58.0, bottom: 50.0)

    public func render() -> Frame {
        let canvas = Canvas(width: width, height: height)
        canvas.clear(.white)
        let (left, right, top, bottom) = Self.margins
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        let all = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        var xRange = (all.map(\.x).min() ?? 0, all.map(\.x).max() ?? 1)
        var yRange = (all.map(\.y).min() ?? 0, all.map(\.y).max() ?? 1)
        if xRange.1 <= xRange.0 { xRange.1 = xRange.0 + 1 }
        if yRange.1 <= yRange.0 { yRange = (yRange.0 - 1, yRange.1 + 1) }
        let margin = (yRange.1 - yRange.0) * 0.05
        yRange = (yRange.0 - margin, yRange.1 + margin)
        func px(_ x: Double) -> Double { left + (x - xRange.0) / (xRange.1 - xRange.0) * plotWidth }
        func py(_ y: Double) -> Double { top + (1 - (y - yRange.0) / (yRange.1 - yRange.0)) * plotHeight }

        let titleSize = canvas.fittingSize(title, width: Double(width) - left - right, size: 16)
        canvas.text(title, x: left, y: 10, size: titleSize, Color(30, 30, 30))
        for t in Self.ticks(yRange.0, yRange.1) {
            canvas.line(from: (left, py(t)), to: (left + plotWidth, py(t)), Color(225, 225, 225))
            let label = Self.format(t)
            canvas.text(label, x: left - 8 - canvas.textWidth(label, size: 11, bold: false), y: py(t) - 7, size: 11, Color(80, 80, 80), bold: false)
        }
        for t in Self.ticks(xRange.0, xRange.1) {
            canvas.line(from: (px(t), top), to: (px(t), top + plotHeight), Color(235, 235, 235))
            let label = Self.format(t)
            canvas.text(label, x: px(t) - canvas.textWidth(label, size: 11, bold: false) / 2, y: top + plotHeight + 6, size: 11, Color(80, 80, 80), bold: false)
        }
        canvas.strokePolyline([(left, top), (left, top + plotHeight), (left + plotWidth, top + plotHeight)], Color(60, 60, 60))
        canvas.text(xLabel, x: left + plotWidth / 2 - canvas.textWidth(xLabel, size: 12, bold: false) / 2, y: Double(height) - 22,
                    size: 12, Color(60, 60, 60), bold: false)
        canvas.text(yLabel, x: 8, y: top - 22, size: 12, Color(60, 60, 60), bold: false)

        for (i, s) in series.enumerated() {
            let points = s.points.filter { $0.x.isFinite && $0.y.isFinite }.map { (px($0.x), py($0.y)) }
            let color = Self.palette[i % Self.palette.count]
            if points.count == 1 {
                canvas.fillCircle(center: points[0], radius: 3, color)
            } else if points.count > 1 {
                canvas.strokePolyline(points, color, lineWidth: 2)
            }
        }
        // Legend on a translucent box, in the corner of the plot that hides the fewest data points
        // (top right when none is clearer), so that it stays readable and covers little.
        let labelWidth = series.map { canvas.textWidth($0.label, size: 12, bold: false) }.max() ?? 0
        if !series.isEmpty {
            let boxWidth = labelWidth + 42, boxHeight = Double(series.count) * 18 + 6
            let pixels = all.map { (px($0.x), py($0.y)) }
            let corner = Self.legendCorner(points: pixels, plot: (left, top, plotWidth, plotHeight), box: (boxWidth, boxHeight))
            let x0 = corner.x, y0 = corner.y
            canvas.fillPolygon([(x0, y0), (x0 + boxWidth, y0), (x0 + boxWidth, y0 + boxHeight), (x0, y0 + boxHeight)], .white, alpha: 0.85)
            for (i, s) in series.enumerated() {
                let color = Self.palette[i % Self.palette.count]
                let y = y0 + 4 + Double(i) * 18
                canvas.line(from: (x0 + 6, y + 7), to: (x0 + 28, y + 7), color, lineWidth: 3)
                canvas.text(s.label, x: x0 + 36, y: y, size: 12, Color(40, 40, 40), bold: false)
            }
        }
        return canvas.frame()
    }

    public func writePNG(to path: String) throws { try render().writePNG(to: path) }

    /// The top-left pixel of a legend box of size `box` inside `plot` (x, y, width, height): the corner
    /// (top right, top left, bottom right, bottom left, in that order of preference) whose box covers
    /// the fewest of `points`, 4 pixels in from the plot's edges.
    static func legendCorner(points: [(Double, Double)], plot: (x: Double, y: Double, width: Double, height: Double),
                             box: (width: Double, height: Double)) -> (x: Double, y: Double) {
        let right = plot.x + plot.width - 4 - box.width, left = plot.x + 4
        let top = plot.y + 4, bottom = plot.y + plot.height - 4 - box.height
        let corners = [(right, top), (left, top), (right, bottom), (left, bottom)]
        func covered(_ corner: (Double, Double)) -> Int {
            points.filter { $0.0 >= corner.0 && $0.0 <= corner.0 + box.width && $0.1 >= corner.1 && $0.1 <= corner.1 + box.height }.count
        }
        let counts = corners.map(covered)
        let best = corners[counts.firstIndex(of: counts.min() ?? 0) ?? 0]
        return (best.0, best.1)
    }
}
