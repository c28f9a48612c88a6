import Foundation
import SandboxCore
import Rendering
import RewardLearning

/// Ranking mode for HERON: the task's reward terms as a list that a person orders by importance and
/// gives margins, saved as a `RewardHierarchy` file.
///
/// Keys: ↑/↓ select a term, Shift+↑/↓ (or k/j) move it up or down, ←/→ lower or raise its margin by
/// one step (Shift: ten), Enter or w saves and closes, q or Esc closes without saving.
public final class RankingEditor: WindowContent {
    public let spec: TaskSpec
    public let annotator: String
    public let output: URL
    public private(set) var levels: [RewardHierarchy.Level]
    public private(set) var selected = 0
    public private(set) var saved = false
    public private(set) var isFinished = false
    public private(set) var message = ""
    /// Margin change per ←/→ press, per term: a hundredth of the term's typical segment magnitude.
    public let marginSteps: [String: Double]
    private let canvas: Canvas
    static let rowHeight = 34.0

    /// Starts from `initial` (an existing file's ranking) or the task's own term order with zero margins.
    public init(spec: TaskSpec, annotator: String, output: URL, initial: RewardHierarchy? = nil, marginSteps: [String: Double] = [:]) {
        self.spec = spec
        self.annotator = annotator
        self.output = output
        levels = initial?.levels ?? spec.rewardTerms.map { .init(term: $0, margin: 0) }
        for term in spec.rewardTerms where !levels.contains(where: { $0.term == term }) { levels.append(.init(term: term, margin: 0)) }
        self.marginSteps = marginSteps
        canvas = Canvas(width: 720, height: Int(110 + Self.rowHeight * Double(levels.count) + 70))
    }

    public var hierarchy: RewardHierarchy { RewardHierarchy(task: spec.id, annotator: annotator, levels: levels) }

    public func step(for term: String) -> Double { marginSteps[term] ?? 0.1 }

    // MARK: editing

    public func select(_ offset: Int) { selected = (selected + offset + levels.count) % levels.count }

    public func move(_ offset: Int) {
        let target = selected + offset
        guard levels.indices.contains(target) else { return }
        levels.swapAt(selected, target)
        selected = target
    }

    public func adjustMargin(steps: Double) {
        let term = levels[selected].term
        let value = levels[selected].margin + steps * step(for: term)
        levels[selected].margin = Swift.max(0, (value * 1e6).rounded() / 1e6)
    }

    /// Replaces the whole ranking (the terminal's typed order and margins).
    public func setLevels(_ new: [RewardHierarchy.Level]) {
        levels = new
        selected = 0
    }

    public func save() throws {
        try hierarchy.validate(against: spec)
        try hierarchy.write(to: output)
        saved = true
        message = "saved \(output.path)"
    }

    // MARK: window

    public var title: String { "sandbox label --ranking — \(spec.id)" }
    public var size: (width: Int, height: Int) { (canvas.width, canvas.height) }
    public func tick(seconds: Double) throws {}

    public func character(_ character: Character) throws {
        switch character {
        case "k", "K": move(-1)
        case "j", "J": move(1)
        case "w", "W": try save(); isFinished = true
        case "q", "Q": isFinished = true
        default: break
        }
    }

    public func key(_ key: WindowKey, shift: Bool) throws {
        switch key {
        case .up: shift ? move(-1) : select(-1)
        case .down: shift ? move(1) : select(1)
        case .left: adjustMargin(steps: shift ? -10 : -1)
        case .right: adjustMargin(steps: shift ? 10 : 1)
        case .enter: try save(); isFinished = true
        case .escape: isFinished = true
        case .home, .end, .backspace: break
        }
    }

    public func click(x: Double, y: Double) throws {
        let row = Int((y - 96) / Self.rowHeight)
        if levels.indices.contains(row) { selected = row }
    }

    public func render() -> Frame {
        canvas.clear(LabelScreen.background)
        canvas.text("Rank the reward terms of \(spec.id)", x: 16, y: 10, size: 20, LabelScreen.text)
        canvas.text("Most important first. A comparison is decided by the first term whose segment returns differ by more than its margin.",
                    x: 16, y: 40, size: 11, LabelScreen.dim, bold: false)
        canvas.text("annotator \(annotator)   ·   saves to \(output.lastPathComponent)", x: 16, y: 58, size: 12, LabelScreen.dim, bold: false)
        canvas.text("rank   term", x: 16, y: 78, size: 12, LabelScreen.dim)
        canvas.text("margin", x: 540, y: 78, size: 12, LabelScreen.dim)
        for (i, level) in levels.enumerated() {
            let y = 96 + Double(i) * Self.rowHeight
            if i == selected {
                canvas.fillPolygon([(10, y), (710, y), (710, y + Self.rowHeight - 4), (10, y + Self.rowHeight - 4)], LabelScreen.panel)
            }
            let color = i == selected ? LabelScreen.accent : LabelScreen.text
            canvas.text("\(i + 1).", x: 20, y: y + 7, size: 15, color)
            canvas.text(level.term, x: 66, y: y + 7, size: 15, color)
            canvas.text(String(format: "%g", level.margin), x: 540, y: y + 7, size: 15, color, bold: false)
            canvas.text(String(format: "step %g", step(for: level.term)), x: 620, y: y + 10, size: 11, LabelScreen.dim, bold: false)
        }
        let footer = Double(canvas.height) - 58
        canvas.text("↑/↓ select   Shift+↑/↓ or k/j move   ←/→ margin (Shift ×10)   Enter or w save   q/Esc close",
                    x: 16, y: footer, size: 12, LabelScreen.text)
        if !message.isEmpty { canvas.text(message, x: 16, y: footer + 22, size: 12, LabelScreen.good, bold: false) }
        return canvas.frame()
    }
}
