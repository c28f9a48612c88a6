import SandboxCore
import Foundation

/// A 2-D grid of values drawn as coloured cells (viridis-like ramp), empty cells grey: archive heatmaps.
public struct Heatmap {
    public var title: String
    /// values[row][column]; nil for an empty cell. Row 0 is drawn at the bottom.
    public var values: [[Double?]]
    public var cellSize = 8

    public init(title: String, values: [[Double?]]) {
        self.title = title
        self.values = values
    }

    static func color(_ t: Double) -> Color {
        // Dark blue → teal → yellow.
        let stops: [(Double, Double, Double)] = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
        let x = Swift.min(Swift.max(t, 0), 1) * Double(stops.count - 1)
        let i = Swift.min(Int(x), stops.count - 2), f = x - Double(i)
        let a = stops[i], b = stops[i + 1]
        return Color(a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f, a.2 + (b.2 - a.2) * f)
    }

    public func render() -> Frame {
        let rows = values.count, columns = values.first?.count ?? 0
        let top = 30, margin = 10
        let width = Swift.max(columns * cellSize + 2 * margin, 240), height = rows * cellSize + top + margin + 20
        let canvas = Canvas(width: width, height: height)
        canvas.clear(.white)
        let titleSize = canvas.fittingSize(title, width: Double(width - 2 * margin), size: 13)
        canvas.text(title, x: Double(margin), y: 6, size: titleSize, Color(30, 30, 30))
        let filled = values.flatMap { $0 }.compactMap { $0 }
        let low = filled.min() ?? 0, high = filled.max() ?? 1
        for r in 0..<rows {
            for c in 0..<columns {
                let x = Double(margin + c * cellSize), y = Double(top + (rows - 1 - r) * cellSize)
                let color = values[r][c].map { Heatmap.color(high > low ? ($0 - low) / (high - low) : 1) } ?? Color(225, 225, 225)
                canvas.fillPolygon([(x, y), (x + Double(cellSize), y), (x + Double(cellSize), y + Double(cellSize)), (x, y + Double(cellSize))], color)
            }
        }
        let legend = String(format: "objective %.3g … %.3g; grey: empty", low, high)
        canvas.text(legend, x: Double(margin), y: Double(top + rows * cellSize + 4), size: 11, Color(60, 60, 60), bold: false)
        return canvas.frame()
    }

    public func writePNG(to path: String) throws { try render().writePNG(to: path) }
}
