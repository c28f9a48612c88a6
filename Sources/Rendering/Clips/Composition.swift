import SandboxCore
import Foundation

/// Layouts built from episode frames: side-by-side pair clips for preference queries and contact sheets.
public enum Composition {
    /// Frames of two clips side by side, labelled A (left) and B (right), for "which is better?"
    /// queries. The shorter clip holds its last frame until the longer one ends.
    public static func pairClip(_ a: [Frame], _ b: [Frame], labels: (String, String) = ("A", "B"), caption: String? = nil) -> [Frame] {
        sideBySide([a, b], labels: [labels.0, labels.1], caption: caption)
    }

    /// Frames of several clips side by side, each labelled above (e.g. reference | A | B for a
    /// triplet query). Shorter clips hold their last frame until the longest one ends.
    public static func sideBySide(_ clips: [[Frame]], labels: [String], caption: String? = nil) -> [Frame] {
        guard !clips.isEmpty, clips.allSatisfy({ !$0.isEmpty }) else { return [] }
        let firsts = clips.map { $0[0] }
        let gap = 8, header = 28, footer = caption == nil ? 0 : 20
        let width = firsts.map(\.width).reduce(0, +) + gap * (clips.count - 1)
        let height = header + firsts.map(\.height).max()! + footer
        let canvas = Canvas(width: width, height: height)
        let lefts = firsts.indices.map { i in firsts[..<i].map { $0.width + gap }.reduce(0, +) }
        let labelWidths = labels.map { canvas.textWidth($0, size: 18) }
        return (0..<clips.map(\.count).max()!).map { i in
            canvas.clear(Color(30, 30, 36))
            for (c, clip) in clips.enumerated() {
                let frame = clip[min(i, clip.count - 1)]
                canvas.draw(frame, x: Double(lefts[c]), y: Double(header), width: Double(frame.width), height: Double(frame.height))
                if c < labels.count {
                    canvas.text(labels[c], x: Double(lefts[c]) + (Double(firsts[c].width) - labelWidths[c]) / 2, y: 4, size: 18, .white)
                }
            }
            if let caption {
                canvas.text("\(caption)   step \(i)", x: 6, y: Double(height - footer + 3), size: 12, Color(200, 200, 200), bold: false)
            }
            return canvas.frame()
        }
    }

    /// A grid of `count` frames sampled evenly from an episode, each labelled with its step (or with
    /// `labels`, one per frame of `frames`), scaled so that every tile is `tileWidth` pixels wide.
    public static func contactSheet(_ frames: [Frame], count: Int = 12, columns: Int = 4, tileWidth: Int = 240, title: String? = nil,
                                    labels: [String]? = nil) -> Frame? {
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
            let label = labels.map { index < $0.count ? $0[index] : "" } ?? "t=\(index)"
            let w = canvas.textWidth(label, size: 12)
            canvas.fillPolygon([(x, y), (x + w + 8, y), (x + w + 8, y + 17), (x, y + 17)], .black, alpha: 0.6)
            canvas.text(label, x: x + 4, y: y + 2, size: 12, .white)
        }
        return canvas.frame()
    }
}
