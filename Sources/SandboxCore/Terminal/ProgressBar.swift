import Foundation

/// A terminal progress bar: `label [#####.....] 120/300 40% 85.2/s ETA 2s`.
///
/// On a terminal it redraws one line on standard error; otherwise (logs, pipes) it prints a plain
/// line at most every `plainInterval` seconds, so logs stay readable.
public final class ProgressBar {
    private let label: String
    private let total: Int
    private let isTerminal: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let plainInterval: TimeInterval
    public private(set) var completed = 0
    /// Work done before this bar started (a resumed run), left out of the rate.
    private var resumedFrom = 0
    /// Extra text shown after the rate, e.g. `return 231.4`.
    public var status = ""
    public var isEnabled = true

    /// Whether bars made on this task stay silent (a command run in-process with its output captured,
    /// as a sweep's runs on an MPI rank are). Bound with `ProgressBar.$silenced.withValue(true) { … }`.
    @TaskLocal public static var silenced = false

    public init(_ label: String, total: Int, plainInterval: TimeInterval = 10) {
        isEnabled = !Self.silenced
        self.label = label
        self.total = max(total, 1)
        self.isTerminal = isatty(STDERR_FILENO) != 0
        self.plainInterval = plainInterval
    }

    /// Starts the bar at `done` units already completed (a resumed run), without counting them in the rate.
    public func resume(at done: Int) {
        completed = done
        resumedFrom = done
    }

    public func advance(by n: Int = 1) {
        completed += n
        let now = Date()
        let interval = isTerminal ? 0.1 : plainInterval
        if now.timeIntervalSince(lastDraw) >= interval || completed >= total {
            lastDraw = now
            draw(final: false)
        }
    }

    public func finish() {
        guard isEnabled else { return }
        draw(final: true)
    }

    private func draw(final: Bool) {
        guard isEnabled else { return }
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(completed - resumedFrom) / elapsed : 0
        let fraction = min(1, Double(completed) / Double(total))
        let shown = min(completed, total)  // the last iteration may overshoot the budget
        let remaining = rate > 0 ? Double(max(total - completed, 0)) / rate : 0  // none once past the budget
        let rateText = rate >= 100 ? String(format: "%.0f/s", rate) : String(format: "%.1f/s", rate)
        let eta = final ? String(format: "%.1fs", elapsed) : "ETA " + Self.duration(remaining)
        let extra = status.isEmpty ? "" : " \(status)"
        if isTerminal {
            let width = 24
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            let line = "\r\(label) [\(bar)] \(shown)/\(total) \(Int(fraction * 100))% \(rateText) \(eta)\(extra)\u{1B}[K"
            FileHandle.standardError.write(Data((line + (final ? "\n" : "")).utf8))
        } else {
            FileHandle.standardError.write(Data("\(label): \(shown)/\(total) (\(Int(fraction * 100))%) \(rateText) \(eta)\(extra)\n".utf8))
        }
    }

    static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.0fs", seconds) }
        if seconds < 3600 { return String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60) }
        return String(format: "%dh%02dm", Int(seconds) / 3600, (Int(seconds) % 3600) / 60)
    }
}
