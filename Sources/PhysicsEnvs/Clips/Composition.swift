import Foundation

/// Layouts built from episode frames: side-by-side pair clips for preference queries and contact sheets.
public enum Composition {
    /// Frames of two clips side by side, labelled A (left) and B (right), for "which is better?"
    /// queries. The shorter clip holds its last frame until the longer one ends.
    public static func pairClip(_ a: [Frame], _ b: [Frame], labels: (String, String) = ("A", "B"), caption: String? = nil) -> [Frame] {
        guard let firstA = a.first, let firstB = b.first else { return [] }
        let gap = 8, header = 28, footer = caption == nil ? 0 : 20
        let width = firstA.width + gap + firstB.width
        let height = header + max(firstA.height, firstB.height) + footer
        let canvas = Canvas(width: width, height: height)
        let labelWidths = (canvas.textWidth(labels.0, size: 18), canvas.textWidth(labels.1, size: 18))
        return (0..<max(a.count, b.count)).map { i in
            let left = a[min(i, a.count - 1)], right = b[min(i, b.count - 1)]
            canvas.clear(Color(30, 30, 36))
            canvas.draw(left, x: 0, y: Double(header), width: Double(left.width), height: Double(left.height))
            canvas.draw(right, x: Double(firstA.width + gap), y: Double(header), width: Double(right.width), height: Double(right.height))
            canvas.text(labels.0, x: (Double(firstA.width) - labelWidths.0) / 2, y: 4, size: 18, .white)
            canvas.text(labels.1, x: Double(firstA.width + gap) + (Double(firstB.width) - labelWidths.1) / 2, y: 4, size: 18, .white)
            if let caption {
                canvas.text("\(caption)   step \(i)", x: 6, y: Double(height - footer + 3), size: 12, Color(200, 200, 200), bold: false)
            }
            return canvas.frame()
        }
    }

    /// A grid of `count` frames sampled evenly from an episode, each labelled with its step, scaled so
    /// that every tile is `tileWidth` pixels wide.
    public static func contactSheet(_ frames: [Frame], count: Int = 12, columns: Int = 4, tileWidth: Int = 240, title: String? = nil) -> Frame? {
        guard let first = frames.first, count > 0, columns > 0 else { return nil }
        let picks = count >= frames.count ? Array(frames.indices)
            : (0..<count).map { Int((Double($0) * Double(frames.count - 1) / Double(count - 1)).rounded()) }
        let tileHeight = Int((Double(tileWidth) * Double(first.height) / Double(first.width)).rounded())
        let rows = (picks.count + columns - 1) / columns
        let gap = 4, titleHeight = title == nil ? 0 : 26
        let width = columns * tileWidth + (columns + 1) * gap
        let height = titleHeight + rows * tileHeight + (rows + 1) * gap
        let canvas = Canvas(width: width, height: height)
        canvas.clear(Color(30, 30, 36))
        if let title { canvas.text(title, x: Double(gap), y: 5, size: 15, .white) }
        for (n, index) in picks.enumerated() {
            let x = Double(gap + (n % columns) * (tileWidth + gap))
            let y = Double(titleHeight + gap + (n / columns) * (tileHeight + gap))
            canvas.draw(frames[index], x: x, y: y, width: Double(tileWidth), height: Double(tileHeight))
            let label = "t=\(index)"
            let w = canvas.textWidth(label, size: 12)
            canvas.fillPolygon([(x, y), (x + w + 8, y), (x + w + 8, y + 17), (x, y + 17)], .black, alpha: 0.6)
            canvas.text(label, x: x + 4, y: y + 2, size: 12, .white)
        }
        return canvas.frame()
    }
}
