import Foundation
import SandboxCore
import Rendering
import RewardLearning

/// Draws the labelling window's contents offscreen (Cairo): header, clips, optional reward-term
/// traces, timeline and key help. The window uploads the result as an OpenGL texture; tests and
/// `--screenshot` read it directly.
public final class LabelScreen {
    public static let width = 1040
    static let header = 64.0, labelRow = 28.0, traceHeight = 130.0, timelineHeight = 30.0, footer = 44.0, gap = 16.0
    /// Box each clip is fitted into: pairs get two wide clips, triplets three narrower ones.
    public static let pairBox = (width: 496, height: 340)
    public static let tripletBox = (width: 325, height: 300)

    static let background = Color(30, 30, 36), panel = Color(44, 44, 54), text = Color(235, 235, 240),
               dim = Color(160, 160, 175), accent = Color(90, 170, 255), good = Color(120, 210, 120)
    static let termColors = [Color(90, 170, 255), Color(255, 160, 60), Color(120, 210, 120), Color(230, 90, 90),
                             Color(190, 130, 240), Color(240, 220, 90), Color(90, 220, 210), Color(240, 140, 200)]

    public let height: Int
    private let canvas: Canvas

    public init() {
        height = Int(Self.header + Self.labelRow + Double(Self.pairBox.height) + Self.traceHeight + Self.timelineHeight + Self.footer)
        canvas = Canvas(width: Self.width, height: height)
    }

    /// The rectangle (x, y, width, height) of the timeline, for mouse scrubbing.
    public var timelineRectangle: (x: Double, y: Double, width: Double, height: Double) {
        (Self.gap, Double(height) - Self.footer - Self.timelineHeight + 6, Double(Self.width) - 2 * Self.gap, Self.timelineHeight - 12)
    }

    public func render(_ session: LabelSession) -> Frame {
        canvas.clear(Self.background)
        drawHeader(session)
        if let current = session.current {
            drawClips(current, session: session)
        } else {
            let text = session.pendingCount == 0
                ? "No pending queries. New ones appear here as a training run writes them (q quits)."
                : "Loading…"
            canvas.text(text, x: Self.gap, y: Self.header + 120, size: 18, Self.dim, bold: false)
        }
        drawFooter(session)
        return canvas.frame()
    }

    private func drawHeader(_ session: LabelSession) {
        canvas.fillPolygon(rectangle(0, 0, Double(Self.width), Self.header), Self.panel)
        let question: String
        switch session.current?.query.kind ?? session.kind ?? .pair {
        case .pair: question = "Which clip is better?"
        case .triplet: question = "Which candidate is more like the reference?"
        }
        canvas.text(question, x: Self.gap, y: 8, size: 20, Self.text)
        var details = ["task \(session.task ?? "–")", "annotator \(session.annotator)",
                       "answered \(session.answeredCount)", "pending \(session.pendingCount)"]
        if let query = session.current?.query { details.append("query \(query.id)" + (query.round > 0 ? " (round \(query.round))" : "")) }
        canvas.text(details.joined(separator: "   ·   "), x: Self.gap, y: 38, size: 13, Self.dim, bold: false)
        let progress = "\(session.answeredCount) / \(session.answeredCount + session.pendingCount)"
        canvas.text(progress, x: Double(Self.width) - Self.gap - canvas.textWidth(progress, size: 20), y: 8, size: 20, Self.accent)
    }

    private func drawClips(_ current: QueryClips, session: LabelSession) {
        let triplet = current.query.kind == .triplet
        let labels = triplet ? ["reference", "← 1   A", "B   2 →"] : ["← 1   A (left)", "B (right)   2 →"]
        let box = triplet ? Self.tripletBox : Self.pairBox
        let slots = current.clips.count
        let slotWidth = (Double(Self.width) - Double(slots + 1) * Self.gap) / Double(slots)
        let top = Self.header + Self.labelRow
        for (i, clip) in current.clips.enumerated() {
            let x = Self.gap + Double(i) * (slotWidth + Self.gap)
            let frame = clip.frames[Swift.min(session.frameIndex, clip.frames.count - 1)]
            let w = Double(frame.width), h = Double(frame.height)
            let fx = x + (slotWidth - w) / 2, fy = top + (Double(box.height) - h) / 2
            if triplet && i == 0 {
                canvas.fillPolygon(rectangle(fx - 3, fy - 3, w + 6, h + 6), Self.accent)
            }
            canvas.draw(frame, x: fx, y: fy, width: w, height: h)
            if let tag = ClipSide(clip, label: "").endText(at: session.frameIndex) {
                // The episode has ended: the last frame is held (absorbing steps), not paused; it is
                // dimmed, as in pair clips, and says how the episode ended.
                canvas.fillPolygon(rectangle(fx, fy, w, h), .black, alpha: 0.45)
                let tagWidth = canvas.textWidth(tag, size: 13) + 12
                canvas.fillPolygon(rectangle(fx + 6, fy + 6, tagWidth, 22), Self.panel)
                canvas.text(tag, x: fx + 12, y: fy + 9, size: 13, Self.accent)
            }
            let label = labels[i]
            canvas.text(label, x: x + (slotWidth - canvas.textWidth(label, size: 16)) / 2, y: Self.header + 5, size: 16,
                        triplet && i == 0 ? Self.accent : Self.text)
            if session.showsTraces {
                drawTraces(clip, x: x, y: top + Double(box.height) + 8, width: slotWidth, height: Self.traceHeight - 16,
                           frameIndex: session.frameIndex)
            }
        }
        if !session.showsTraces {
            canvas.text("t: show reward-term traces", x: Self.gap, y: top + Double(box.height) + 12, size: 12, Self.dim, bold: false)
        }
    }

    /// Cumulative reward terms over the segment, one line per term, with a cursor at the shown frame.
    private func drawTraces(_ clip: SegmentClip, x: Double, y: Double, width: Double, height: Double, frameIndex: Int) {
        canvas.fillPolygon(rectangle(x, y, width, height), Self.panel)
        let steps = clip.termTrace.count
        guard steps > 0 else { return }
        var cumulative = Array(repeating: [0.0], count: clip.rewardTerms.count)
        for row in clip.termTrace {
            for t in row.indices { cumulative[t].append(cumulative[t].last! + row[t]) }
        }
        let all = cumulative.flatMap { $0 }
        let low = all.min()!, high = Swift.max(all.max()!, low + 1e-9)
        let plotX = x + 6, plotWidth = width - 130, plotY = y + 6, plotHeight = height - 12
        func point(_ step: Int, _ value: Double) -> (Double, Double) {
            (plotX + plotWidth * Double(step) / Double(steps), plotY + plotHeight * (1 - (value - low) / (high - low)))
        }
        if low < 0 && high > 0 {
            canvas.line(from: point(0, 0), to: point(steps, 0), Self.dim, lineWidth: 0.5)
        }
        for (t, values) in cumulative.enumerated() {
            let color = Self.termColors[t % Self.termColors.count]
            canvas.strokePolyline(values.enumerated().map { point($0.offset, $0.element) }, color, lineWidth: 1.5)
            let legendY = y + 4 + Double(t) * 12
            if legendY < y + height - 12 {
                canvas.fillPolygon(rectangle(x + width - 118, legendY + 3, 8, 8), color)
                canvas.text(String(format: "%@ %.1f", clip.rewardTerms[t], values.last!), x: x + width - 106, y: legendY, size: 10, Self.text, bold: false)
            }
        }
        let cursor = point(Swift.min(frameIndex, steps), low).0
        canvas.line(from: (cursor, plotY), to: (cursor, plotY + plotHeight), Self.text, lineWidth: 1)
    }

    private func drawFooter(_ session: LabelSession) {
        let bar = timelineRectangle
        canvas.fillPolygon(rectangle(bar.x, bar.y, bar.width, bar.height), Self.panel)
        if let current = session.current, current.frameCount > 1 {
            let fraction = Double(session.frameIndex) / Double(current.frameCount - 1)
            canvas.fillPolygon(rectangle(bar.x, bar.y, bar.width * fraction, bar.height), Self.accent, alpha: 0.6)
            let status = String(format: "frame %d / %d   speed %gx%@", session.frameIndex, current.frameCount - 1, session.speed,
                                session.isPaused ? "   paused" : "")
            canvas.text(status, x: bar.x + 6, y: bar.y + 2, size: 12, Self.text, bold: false)
        }
        let y = Double(height) - Self.footer + 4
        let keys = session.current?.query.kind == .triplet
            ? "←/1 A closer   →/2 B closer   = equal   s skip   u undo   q quit"
            : "←/1 left better   →/2 right better   = equal   s skip   u undo   q quit"
        canvas.text(keys, x: Self.gap, y: y, size: 13, Self.text)
        canvas.text("space pause   ,/. step   [/] scrub (or click the bar)   -/+ speed   t traces", x: Self.gap, y: y + 19, size: 12, Self.dim, bold: false)
        if !session.message.isEmpty {
            canvas.text(session.message, x: Double(Self.width) - Self.gap - canvas.textWidth(session.message, size: 12, bold: false),
                        y: y + 19, size: 12, Self.good, bold: false)
        }
    }

    private func rectangle(_ x: Double, _ y: Double, _ w: Double, _ h: Double) -> [(Double, Double)] {
        [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
    }
}
