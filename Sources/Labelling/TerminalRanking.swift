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

    /// Asks for the order and the margins, then saves. Enter keeps the order shown (or a margin's
    /// default); `q` or the end of input stops with nothing saved (the editor's `saved` stays false).
    public func run() throws {
        let terms = editor.levels.map(\.term)
        write("reward terms of \(editor.spec.id), in their current order:\n")
        for (i, term) in terms.enumerated() { write("  \(i + 1). \(term)\n") }
        var order: [String] = []
        while order.isEmpty {
            write("order by importance, most important first (numbers separated by spaces, e.g. 3 1 2; unlisted terms follow;"
                  + " Enter keeps this order; q quits without saving): ")
            guard let line = readLine(), line.trimmingCharacters(in: .whitespaces).lowercased() != "q" else { return }
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                order = terms
                break
            }
            let picks = line.split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { Int($0) }
            guard !picks.isEmpty, picks.allSatisfy({ (1...terms.count).contains($0) }), Set(picks).count == picks.count else {
                write("type distinct numbers from 1 to \(terms.count), Enter, or q\n")
                continue
            }
            order = picks.map { terms[$0 - 1] } + terms.filter { t in !picks.contains(where: { terms[$0 - 1] == t }) }
        }
        var levels: [RewardHierarchy.Level] = []
        for term in order {
            let current = editor.levels.first { $0.term == term }?.margin ?? editor.step(for: term) * 10
            while true {
                write("margin for \(term) (≥ 0, Enter for \(String(format: "%g", current)), q quits): ")
                guard let line = readLine() else { return }
                let text = line.trimmingCharacters(in: .whitespaces)
                if text.lowercased() == "q" { return }
                if text.isEmpty { levels.append(.init(term: term, margin: current)); break }
                if let value = Double(text), value.isFinite, value >= 0 { levels.append(.init(term: term, margin: value)); break }
                write("a margin is a number ≥ 0, Enter, or q\n")
            }
        }
        editor.setLevels(levels)
        try editor.save()
    }
}
