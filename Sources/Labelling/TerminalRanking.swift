import Foundation
import RewardLearning
import SandboxCore

/// Ranking at the terminal: the terms are listed, the order typed as numbers, then each margin.
public final class TerminalRanking {
    public let editor: RankingEditor
    private let readLine: () -> String?
    private let write: (String) -> Void

    /// - Parameters:
    ///   - readLine: the next line typed (nil when input ends).
    ///   - write: prints text (prompts end without a newline).
    public init(editor: RankingEditor, readLine: @escaping () -> String? = { Swift.readLine() },
                write: @escaping (String) -> Void = { print($0, terminator: ""); fflush(stdout) }) {
        self.editor = editor
        self.readLine = readLine
        self.write = write
    }

    /// Asks for the order and the margins, then saves; returns early (nothing saved) when input ends.
    public func run() throws {
        let terms = editor.levels.map(\.term)
        write("reward terms of \(editor.spec.id):\n")
        for (i, term) in terms.enumerated() { write("  \(i + 1). \(term)\n") }
        var order: [String] = []
        while order.isEmpty {
            write("order by importance, most important first (numbers separated by spaces, e.g. 3 1 2; unlisted terms follow): ")
            guard let line = readLine() else { write("\ninput ended; nothing saved\n"); return }
            let picks = line.split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { Int($0) }
            guard !picks.isEmpty, picks.allSatisfy({ (1...terms.count).contains($0) }), Set(picks).count == picks.count else {
                write("type distinct numbers from 1 to \(terms.count)\n")
                continue
            }
            order = picks.map { terms[$0 - 1] } + terms.filter { t in !picks.contains(where: { terms[$0 - 1] == t }) }
        }
        var levels: [RewardHierarchy.Level] = []
        for term in order {
            while true {
                write("margin for \(term) (≥ 0, Enter for \(String(format: "%g", editor.step(for: term) * 10))): ")
                guard let line = readLine() else { write("\ninput ended; nothing saved\n"); return }
                let text = line.trimmingCharacters(in: .whitespaces)
                if text.isEmpty { levels.append(.init(term: term, margin: editor.step(for: term) * 10)); break }
                if let value = Double(text), value.isFinite, value >= 0 { levels.append(.init(term: term, margin: value)); break }
                write("a margin is a number ≥ 0\n")
            }
        }
        editor.setLevels(levels)
        try editor.save()
    }
}
