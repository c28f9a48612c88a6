import SandboxCore
import Foundation

/// A 2-D grid of values drawn as coloured cells (viridis-like ramp), empty cells grey: archive heatmaps.
///
/// With axes, the grid gets the measure names and their ranges (tick values at the cell edges they
/// fall on); a colour bar on the right gives the value scale (`scaleName`, e.g. "objective").
public struct Heatmap {
    /// A measure along one side of the grid: its name and the range the grid covers (its units).
    public struct Axis: Sendable, Equatable {
        public var name: String
        public var range: ClosedRange<Double>
        public init(name: String, range: ClosedRange<Double>) {
            self.name = name
            self.range = range
        }
    }

    /// Where the parts of the picture go, in pixels (x, y, width, height; y down).
    public struct Layout: Sendable, Equatable {
        public var width: Int
        public var height: Int
        /// The cells.
        public var grid: (x: Double, y: Double, width: Double, height: Double)
        /// The colour bar: the lowest value at the bottom, the highest at the top.
        public var colourBar: (x: Double, y: Double, width: Double, height: Double)
        public static func == (a: Layout, b: Layout) -> Bool {
            a.width == b.width && a.height == b.height && a.grid == b.grid && a.colourBar == b.colourBar
        }
    }

    public var title: String
    /// values[row][column]; nil for an empty cell. Row 0 is drawn at the bottom.
    public var values: [[Double?]]
    /// The measure across (columns) and up (rows); nil: no axis is drawn.
    public var xAxis: Axis?
    public var yAxis: Axis?
    /// What the values are, written above the colour bar.
    public var scaleName = "objective"
    /// Pixels per cell; nil picks one so the grid is about 320 pixels on its longer side (at least 4).
    public var cellSize: Int?

    public init(title: String, values: [[Double?]], xAxis: Axis? = nil, yAxis: Axis? = nil, scaleName: String = "objective") {
        self.title = title
        self.values = values
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.scaleName = scaleName
    }

    static func color(_ t: Double) -> Color {
        // Dark blue → teal → yellow.
        let stops: [(Double, Double, Double)] = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
        let x = Swift.min(Swift.max(t, 0), 1) * Double(stops.count - 1)
        let i = Swift.min(Int(x), stops.count - 2), f = x - Double(i)
        let a = stops[i], b = stops[i + 1]
        return Color(a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f, a.2 + (b.2 - a.2) * f)
    }

    static let emptyColor = Color(225, 225, 225)

    /// The lowest and highest filled value (0…1 when none is filled; equal values get a unit range).
    public var valueRange: (low: Double, high: Double) {
        let filled = values.flatMap { $0 }.compactMap { $0 }.filter(\.isFinite)
        guard let low = filled.min(), let high = filled.max() else { return (0, 1) }
        return high > low ? (low, high) : (low - 0.5, high + 0.5)
    }

    /// Room around the grid, in pixels.
    static let margins = (left: 62.0, right: 96.0, top: 46.0, bottom: 58.0)

    public var layout: Layout {
        let rows = values.count, columns = values.first?.count ?? 0
        let cell = Double(cellSize ?? Swift.max(4, 320 / Swift.max(1, rows, columns)))
        let gridWidth = Double(columns) * cell, gridHeight = Double(rows) * cell
        let (left, right, top, bottom) = Self.margins
        let width = Int(Swift.max(left + gridWidth + right, 360)), height = Int(top + Swift.max(gridHeight, 120) + bottom)
        let barX = left + gridWidth + 16
        return Layout(width: width, height: height, grid: (left, top, gridWidth, gridHeight),
                      colourBar: (barX, top, 14, Swift.max(gridHeight, 120)))
    }

    /// The texts drawn besides the title: axis names with their units, the colour bar's short name
    /// (`scaleName` up to a colon) above it, and a note with the full `scaleName` and the empty cells.
    public var captions: [String] {
        let filled = values.flatMap { $0 }.compactMap { $0 }.count, cells = values.count * (values.first?.count ?? 0)
        let short = scaleName.split(separator: ":").first.map(String.init) ?? scaleName
        return [xAxis.map { "\($0.name) →" }, yAxis.map { "↑ \($0.name)" }, short,
                "colour: \(scaleName); grey: empty cell (\(filled) of \(cells) filled)"].compactMap { $0 }
    }

    public func render() -> Frame {
        let rows = values.count, columns = values.first?.count ?? 0
        let layout = self.layout
        let canvas = Canvas(width: layout.width, height: layout.height)
        canvas.clear(.white)
        let ink = Color(30, 30, 30), dim = Color(80, 80, 80)
        let titleSize = canvas.fittingSize(title, width: Double(layout.width) - 16, size: 13)
        canvas.text(title, x: 8, y: 6, size: titleSize, ink)
        let (low, high) = valueRange
        let g = layout.grid
        let cell = columns > 0 ? g.width / Double(columns) : 0
        func rectangle(_ x: Double, _ y: Double, _ w: Double, _ h: Double) -> [(Double, Double)] {
            [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
        }
        canvas.fillPolygon(rectangle(g.x, g.y, g.width, g.height), Self.emptyColor)
        for r in 0..<rows {
            for c in 0..<columns {
                guard let value = values[r][c] else { continue }
                canvas.fillPolygon(rectangle(g.x + Double(c) * cell, g.y + Double(rows - 1 - r) * cell, cell, cell),
                                   Self.color((value - low) / (high - low)))
            }
        }
        canvas.strokePolyline(rectangle(g.x - 0.5, g.y - 0.5, g.width + 1, g.height + 1), dim, close: true)

        // Axes: tick values where they fall on the grid, and the measure names.
        let tickSize = 10.0
        if let xAxis {
            let span = xAxis.range.upperBound - xAxis.range.lowerBound
            for t in LinePlot.ticks(xAxis.range.lowerBound, xAxis.range.upperBound, count: 4) where span > 0 {
                let x = g.x + (t - xAxis.range.lowerBound) / span * g.width
                canvas.line(from: (x, g.y + g.height), to: (x, g.y + g.height + 4), dim)
                let label = LinePlot.format(t)
                canvas.text(label, x: x - canvas.textWidth(label, size: tickSize, bold: false) / 2, y: g.y + g.height + 6,
                            size: tickSize, dim, bold: false)
            }
            let name = "\(xAxis.name) →"
            let size = canvas.fittingSize(name, width: Swift.max(g.width, 200), size: 12, bold: false)
            canvas.text(name, x: g.x + (g.width - canvas.textWidth(name, size: size, bold: false)) / 2, y: g.y + g.height + 21,
                        size: size, ink, bold: false)
        }
        if let yAxis {
            let span = yAxis.range.upperBound - yAxis.range.lowerBound
            for t in LinePlot.ticks(yAxis.range.lowerBound, yAxis.range.upperBound, count: 4) where span > 0 {
                let y = g.y + g.height - (t - yAxis.range.lowerBound) / span * g.height
                canvas.line(from: (g.x - 4, y), to: (g.x, y), dim)
                let label = LinePlot.format(t)
                canvas.text(label, x: g.x - 6 - canvas.textWidth(label, size: tickSize, bold: false), y: y - 6, size: tickSize, dim, bold: false)
            }
            // The y name runs along the top-left corner, above the grid (the canvas draws no rotated text).
            let name = "↑ \(yAxis.name)"
            canvas.text(name, x: 8, y: g.y - 17, size: canvas.fittingSize(name, width: g.width + Self.margins.left - 8, size: 11, bold: false),
                        ink, bold: false)
        }

        // Colour bar: the ramp from the lowest value (bottom) to the highest (top), with ticks.
        let bar = layout.colourBar
        let steps = Swift.max(2, Int(bar.height))
        for i in 0..<steps {
            let y0 = bar.y + bar.height * Double(steps - 1 - i) / Double(steps)
            canvas.fillPolygon(rectangle(bar.x, y0, bar.width, bar.height / Double(steps) + 0.5), Self.color(Double(i) / Double(steps - 1)))
        }
        canvas.strokePolyline(rectangle(bar.x - 0.5, bar.y - 0.5, bar.width + 1, bar.height + 1), dim, close: true)
        for t in LinePlot.ticks(low, high, count: 4) {
            let y = bar.y + bar.height * (1 - (t - low) / (high - low))
            canvas.line(from: (bar.x + bar.width, y), to: (bar.x + bar.width + 4, y), dim)
            canvas.text(LinePlot.format(t), x: bar.x + bar.width + 6, y: y - 6, size: tickSize, dim, bold: false)
        }
        let short = captions[captions.count - 2]
        canvas.text(short, x: bar.x - 4, y: bar.y - 17,
                    size: canvas.fittingSize(short, width: Double(layout.width) - bar.x, size: 11, bold: false), ink, bold: false)
        let note = captions.last!
        canvas.text(note, x: 8, y: Double(layout.height) - 17,
                    size: canvas.fittingSize(note, width: Double(layout.width) - 16, size: 10, minimumSize: 7, bold: false), dim, bold: false)
        return canvas.frame()
    }

    public func writePNG(to path: String) throws { try render().writePNG(to: path) }
}
