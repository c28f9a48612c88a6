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
        sideBySide(clips.enumerated().map { ClipSide(frames: $0.element, label: $0.offset < labels.count ? labels[$0.offset] : "") },
                   caption: caption)
    }

    /// Colours of the side-by-side layout.
    static let background = Color(30, 30, 36)
    /// The "ended: …" tag's background (amber), so an ended side is told apart from a paused one.
    public static let endTagColor = Color(250, 190, 60)

    /// Height in pixels of the label row above the frames and of the return row under them.
    public static let headerHeight = 28, returnRowHeight = 20

    /// Frames of several sides next to each other, each labelled above and, where it has returns, with
    /// its return so far below. A side whose episode has ended holds its last frame dimmed, tagged
    /// "ended: <outcome>", until the longest side ends.
    public static func sideBySide(_ sides: [ClipSide], caption: String? = nil) -> [Frame] {
        guard !sides.isEmpty, sides.allSatisfy({ !$0.frames.isEmpty }) else { return [] }
        let firsts = sides.map { $0.frames[0] }
        let gap = 8, header = headerHeight
        let returnRow = sides.contains { $0.returns != nil } ? returnRowHeight : 0
        let footer = caption == nil ? 0 : 20
        let width = firsts.map(\.width).reduce(0, +) + gap * (sides.count - 1)
        let frameHeight = firsts.map(\.height).max()!
        let height = header + frameHeight + returnRow + footer
        let canvas = Canvas(width: width, height: height)
        let lefts = firsts.indices.map { i in firsts[..<i].map { $0.width + gap }.reduce(0, +) }
        let labelWidths = sides.map { canvas.textWidth($0.label, size: 18) }
        let frameCount = sides.map(\.frames.count).max()!
        var output: [Frame] = []
        output.reserveCapacity(frameCount)
        for i in 0..<frameCount {
            canvas.clear(background)
            for (c, side) in sides.enumerated() {
                let frame = side.frames[min(i, side.frames.count - 1)]
                let x = Double(lefts[c]), w = Double(frame.width), h = Double(frame.height)
                canvas.draw(frame, x: x, y: Double(header), width: w, height: h)
                canvas.text(side.label, x: x + (Double(firsts[c].width) - labelWidths[c]) / 2, y: 4, size: 18, .white)
                if let tag = side.endText(at: i) {
                    canvas.fillPolygon(rectangle(x, Double(header), w, h), .black, alpha: 0.45)
                    let size = canvas.fittingSize(tag, width: w - 20, size: 14, minimumSize: 7)
                    let tagWidth = canvas.textWidth(tag, size: size) + 12
                    canvas.fillPolygon(rectangle(x + 6, Double(header) + 6, tagWidth, size + 9), endTagColor)
                    canvas.text(tag, x: x + 12, y: Double(header) + 10, size: size, .black)
                }
                if let text = side.returnText(at: i) {
                    canvas.text(text, x: x + (w - canvas.textWidth(text, size: 13)) / 2, y: Double(header + frameHeight + 3), size: 13,
                                Color(230, 230, 230))
                }
            }
            if let caption {
                canvas.text("\(caption)   step \(i)", x: 6, y: Double(height - footer + 3), size: 12, Color(200, 200, 200), bold: false)
            }
            output.append(canvas.frame())
        }
        return output
    }

    static func rectangle(_ x: Double, _ y: Double, _ w: Double, _ h: Double) -> [(Double, Double)] {
        [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
    }

    /// A grid of `count` frames sampled evenly from an episode (the first and the last always among
    /// them), each labelled with its step (or with `labels`, one per frame of `frames`), scaled so that
    /// every tile is `tileWidth` pixels wide. With `outcome`, the last tile's label says how the episode
    /// ended ("t=312 · ended: landed") on an amber tag.
    public static func contactSheet(_ frames: [Frame], count: Int = 12, columns: Int = 4, tileWidth: Int = 240, title: String? = nil,
                                    labels: [String]? = nil, outcome: EpisodeOutcome? = nil) -> Frame? {
        guard let first = frames.first, count > 0, columns > 0 else { return nil }
        let picks = count >= frames.count ? Array(frames.indices)
            : (0..<count).map { Int((Double($0) * Double(frames.count - 1) / Double(count - 1)).rounded()) }
        let tileHeight = Int((Double(tileWidth) * Double(first.height) / Double(first.width)).rounded())
        let rows = (picks.count + columns - 1) / columns
        let gap = 4, titleHeight = title == nil ? 0 : 26
        let width = columns * tileWidth + (columns + 1) * gap
        let height = titleHeight + rows * tileHeight + (rows + 1) * gap
        let canvas = Canvas(width: width, height: height)
        canvas.clear(background)
        if let title {
            canvas.text(title, x: Double(gap), y: 5, size: canvas.fittingSize(title, width: Double(width - 2 * gap), size: 15), .white)
        }
        for (n, index) in picks.enumerated() {
            let x = Double(gap + (n % columns) * (tileWidth + gap))
            let y = Double(titleHeight + gap + (n / columns) * (tileHeight + gap))
            canvas.draw(frames[index], x: x, y: y, width: Double(tileWidth), height: Double(tileHeight))
            var label = labels.map { index < $0.count ? $0[index] : "" } ?? "t=\(index)"
            let isOutcome = outcome != nil && n == picks.count - 1
            if isOutcome, let outcome { label += " · " + Self.outcomeText(outcome) }
            let w = canvas.textWidth(label, size: 12)
            if isOutcome {
                canvas.fillPolygon(rectangle(x, y, w + 8, 17), endTagColor)
                canvas.text(label, x: x + 4, y: y + 2, size: 12, .black)
            } else {
                canvas.fillPolygon(rectangle(x, y, w + 8, 17), .black, alpha: 0.6)
                canvas.text(label, x: x + 4, y: y + 2, size: 12, .white)
            }
        }
        return canvas.frame()
    }

    /// How a sheet's last tile names an outcome: "ended: landed", "ended: time limit", or "stopped"
    /// when the episode was cut short by the caller (e.g. `--max-steps`).
    public static func outcomeText(_ outcome: EpisodeOutcome) -> String {
        outcome.hasEnded ? "ended: \(outcome)" : "stopped"
    }
}
