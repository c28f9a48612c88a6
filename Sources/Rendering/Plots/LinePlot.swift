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
    /// the x label below. The legend's band adds `legendRowHeight` per row below that.
    static let margins = (left: 70.0, right: 20.0, top: 58.0, bottom: 50.0)
    static let legendRowHeight = 18.0

    /// With `logX`, x runs on a log-10 scale (points at x ≤ 0 are left out): a run of 10k steps then
    /// shows beside one of 1M instead of squeezing into the first pixels.
    public var logX = false

    /// Where each legend entry goes: its row (0 is the first row of the band below the plot) and its
    /// left edge in pixels, filling rows left to right and wrapping at the image width.
    static func legendPlacement(labelWidths: [Double], width: Double) -> [(row: Int, x: Double)] {
        var row = 0, x = margins.left
        return labelWidths.map { labelWidth in
            let entry = labelWidth + 46
            if x > margins.left && x + entry > width - margins.right {
                row += 1
                x = margins.left
            }
            defer { x += entry }
            return (row, x)
        }
    }

    /// The plot area (x, y, width, height) in pixels, for `legendRows` rows of legend below it.
    func plotArea(legendRows: Int) -> (x: Double, y: Double, width: Double, height: Double) {
        let (left, right, top, bottom) = Self.margins
        return (left, top, Double(width) - left - right, Double(height) - top - bottom - Double(legendRows) * Self.legendRowHeight)
    }

    public func render() -> Frame {
        let canvas = Canvas(width: width, height: height)
        canvas.clear(.white)
        let room = Double(width) - Self.margins.left - Self.margins.right - 46
        let labels = series.map { Self.shortened($0.label, to: room, on: canvas) }
        let labelWidths = labels.map { canvas.textWidth($0, size: 12, bold: false) }
        let placement = Self.legendPlacement(labelWidths: labelWidths, width: Double(width))
        let legendRows = series.isEmpty ? 0 : (placement.map(\.row).max() ?? 0) + 1
        let area = plotArea(legendRows: legendRows)
        let (left, top, plotWidth, plotHeight) = (area.x, area.y, area.width, area.height)
        func shown(_ p: (x: Double, y: Double)) -> Bool { p.x.isFinite && p.y.isFinite && (!logX || p.x > 0) }
        func sx(_ x: Double) -> Double { logX ? log10(x) : x }
        let all = series.flatMap(\.points).filter(shown)
        var xRange = (all.map { sx($0.x) }.min() ?? 0, all.map { sx($0.x) }.max() ?? 1)
        var yRange = (all.map(\.y).min() ?? 0, all.map(\.y).max() ?? 1)
        if xRange.1 <= xRange.0 { xRange.1 = xRange.0 + 1 }
        if yRange.1 <= yRange.0 { yRange = (yRange.0 - 1, yRange.1 + 1) }
        let margin = (yRange.1 - yRange.0) * 0.05
        yRange = (yRange.0 - margin, yRange.1 + margin)
        func px(_ x: Double) -> Double { left + (sx(x) - xRange.0) / (xRange.1 - xRange.0) * plotWidth }
        func py(_ y: Double) -> Double { top + (1 - (y - yRange.0) / (yRange.1 - yRange.0)) * plotHeight }

        let titleSize = canvas.fittingSize(title, width: Double(width) - Self.margins.left - Self.margins.right, size: 16)
        canvas.text(title, x: left, y: 10, size: titleSize, Color(30, 30, 30))
        for t in Self.ticks(yRange.0, yRange.1) {
            canvas.line(from: (left, py(t)), to: (left + plotWidth, py(t)), Color(225, 225, 225))
            let label = Self.format(t)
            canvas.text(label, x: left - 8 - canvas.textWidth(label, size: 11, bold: false), y: py(t) - 7, size: 11, Color(80, 80, 80), bold: false)
        }
        let xTicks = logX ? Self.logTicks(xRange.0, xRange.1) : Self.ticks(xRange.0, xRange.1)
        for t in xTicks {
            canvas.line(from: (px(t), top), to: (px(t), top + plotHeight), Color(235, 235, 235))
            let label = Self.format(t)
            canvas.text(label, x: px(t) - canvas.textWidth(label, size: 11, bold: false) / 2, y: top + plotHeight + 6, size: 11, Color(80, 80, 80), bold: false)
        }
        canvas.strokePolyline([(left, top), (left, top + plotHeight), (left + plotWidth, top + plotHeight)], Color(60, 60, 60))
        let xName = logX ? "\(xLabel) (log scale)" : xLabel
        canvas.text(xName, x: left + plotWidth / 2 - canvas.textWidth(xName, size: 12, bold: false) / 2, y: top + plotHeight + 22,
                    size: 12, Color(60, 60, 60), bold: false)
        canvas.text(yLabel, x: 8, y: top - 22, size: 12, Color(60, 60, 60), bold: false)

        // Curves, then a dot on each curve's last point: where a run stops is visible even when a
        // short run's curve is only a few pixels long beside a long one.
        for (i, s) in series.enumerated() {
            let points = s.points.filter(shown).map { (px($0.x), py($0.y)) }
            let color = Self.palette[i % Self.palette.count]
            if points.count > 1 { canvas.strokePolyline(points, color, lineWidth: 2) }
            if let last = points.last {
                canvas.fillCircle(center: last, radius: 5, .white)
                canvas.fillCircle(center: last, radius: 3.5, color)
            }
        }
        // The legend in a band below the plot: it never covers a curve.
        let bandTop = top + plotHeight + Self.margins.bottom - 6
        for i in series.indices {
            let color = Self.palette[i % Self.palette.count]
            let x = placement[i].x, y = bandTop + Double(placement[i].row) * Self.legendRowHeight
            canvas.line(from: (x, y + 7), to: (x + 22, y + 7), color, lineWidth: 3)
            canvas.fillCircle(center: (x + 22, y + 7), radius: 3.5, color)
            canvas.text(labels[i], x: x + 30, y: y, size: 12, Color(40, 40, 40), bold: false)
        }
        return canvas.frame()
    }

    /// `label`, cut in the middle with "…" until it is at most `width` pixels wide at the legend's size.
    static func shortened(_ label: String, to width: Double, on canvas: Canvas) -> String {
        guard canvas.textWidth(label, size: 12, bold: false) > width else { return label }
        var head = Array(label.prefix(label.count / 2)), tail = Array(label.suffix(label.count - label.count / 2))
        while !head.isEmpty || !tail.isEmpty {
            if tail.count >= head.count { tail.removeFirst() } else { head.removeLast() }
            let candidate = String(head) + "…" + String(tail)
            if canvas.textWidth(candidate, size: 12, bold: false) <= width { return candidate }
        }
        return "…"
    }

    /// Powers of ten (in log-10 units) covering [low, high] for a log axis; the ends when none falls inside.
    static func logTicks(_ low: Double, _ high: Double) -> [Double] {
        let powers = stride(from: ceil(low), through: floor(high), by: 1).map { pow(10, $0) }
        return powers.isEmpty ? [pow(10, low), pow(10, high)] : powers
    }

    public func writePNG(to path: String) throws { try render().writePNG(to: path) }
}
