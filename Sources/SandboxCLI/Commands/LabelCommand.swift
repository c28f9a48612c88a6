import Foundation
import Labelling
import SandboxCore
import Rendering
import PhysicsEnvs
import RewardLearning

enum LabelCommand {
    static let help = """
    usage: sandbox label --store FILE.db [--annotator NAME] [--kind pair|triplet] [--terminal] [--clips DIR]
                         [--screenshot FILE.png]
           sandbox label --ranking --task ID --out HIERARCHY.json [--annotator NAME] [--terminal]

    Opens the labelling window on a label store: the pending queries' clips play side by side, in sync
    and looping. Every answer is saved before the next query appears; closing the window loses nothing
    and reopening continues where you stopped. A training run (sandbox pbrl --teacher human, sandbox qdhf
    --judge human) may write queries into the same store while you label; they appear within a second.
    Several annotators may label one store, each seeing the queries they have not answered.

    keys  ← or 1: left (A) better / A more like the reference    → or 2: right (B)    = equal    s skip
          u undo the last answer    q or Esc quit    space pause    , and . step a frame    [ and ] scrub
          (or click the timeline)    - and + (↓ and ↑) half or double speed    t reward-term traces
          F12 screenshot (with --screenshot)

    --ranking     ranking mode for HERON: order the task's reward terms by importance and set margins
                  (↑/↓ select, Shift+↑/↓ or k/j move, ←/→ margin, Enter save); writes a hierarchy file
    --terminal    no window: each query's side-by-side clip is written to --clips DIR (default: beside the
                  store) and its path printed; type 1, 2, =, s, u or q and Enter
    --annotator   recorded with every answer (default: $USER)
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        let annotator = arguments.string("annotator") ?? ProcessInfo.processInfo.environment["USER"].map { $0.isEmpty ? "annotator" : $0 } ?? "annotator"
        let terminal = arguments.flag("terminal")
        if arguments.flag("ranking") { return try ranking(&arguments, annotator: annotator, terminal: terminal) }
        guard let storePath = arguments.string("store") else { throw UsageError("label needs --store FILE.db (a store written by sandbox queries make, pbrl or qdhf), or --ranking") }
        var kind: QueryKind?
        if let text = arguments.string("kind") {
            guard let k = QueryKind(rawValue: text) else { throw UsageError("--kind takes pair or triplet, not '\(text)'") }
            kind = k
        }
        let clips = arguments.string("clips")
        let screenshot = arguments.string("screenshot")
        if let screenshot { try PictureOutputs.checkPNG(screenshot, option: "--screenshot") }
        try arguments.checkAllUsed()
        let store = try openExistingStore(storePath)
        let session = try LabelSession(store: store, tasks: SandboxCLI.tasks, annotator: annotator, kind: kind)
        if terminal {
            let directory = clips.map { URL(fileURLWithPath: $0) }
                ?? URL(fileURLWithPath: storePath).deletingLastPathComponent().appendingPathComponent("clips")
            if session.current == nil { print("no pending queries for \(annotator) in \(storePath)"); return 0 }
            try TerminalLabeler(session: session, clipDirectory: directory, readLine: { readLine() }, write: { print($0, terminator: "") }).run()
            return 0
        }
        print("labelling \(storePath) as \(annotator): \(session.pendingCount) pending")
        fflush(stdout)
        try LabelWindow.run(SessionWindowContent(session: session), screenshot: screenshot)
        print("\(session.answeredCount) answers by \(annotator) in \(storePath); \(session.pendingCount) pending")
        return 0
    }

    static func ranking(_ arguments: inout Arguments, annotator: String, terminal: Bool) throws -> Int32 {
        guard let taskID = arguments.string("task") else { throw UsageError("label --ranking needs --task ID") }
        guard let out = arguments.string("out") else { throw UsageError("label --ranking needs --out HIERARCHY.json") }
        let screenshot = arguments.string("screenshot")
        if let screenshot { try PictureOutputs.checkPNG(screenshot, option: "--screenshot") }
        try arguments.checkAllUsed()
        let spec = try SandboxCLI.tasks.spec(for: taskID)
        try prepareOutput(out)
        let url = URL(fileURLWithPath: out)
        let existing = FileManager.default.fileExists(atPath: out) ? try RewardHierarchy.read(from: url, tasks: SandboxCLI.tasks) : nil
        if let existing, existing.task != spec.id {
            throw UsageError("\(out) ranks \(existing.task), not \(spec.id); use another --out file")
        }
        let editor = RankingEditor(spec: spec, annotator: annotator, output: url, initial: existing,
                                   marginSteps: try RankingEditor.marginSteps(for: try SandboxCLI.tasks.make(spec.id)))
        if terminal {
            try TerminalRanking(editor: editor, readLine: { readLine() }, write: { print($0, terminator: "") }).run()
        } else {
            try LabelWindow.run(editor, screenshot: screenshot)
        }
        guard editor.saved else {
            throw RankingNotSaved(path: out)
        }
        print("saved \(out): " + editor.levels.map { "\($0.term) (margin \(String(format: "%g", $0.margin)))" }.joined(separator: " > "))
        return 0
    }
}

/// The ranking ended (closed, `q`, input ended) before it was saved: exit status 1, said once.
struct RankingNotSaved: Error, CustomStringConvertible {
    let path: String
    var description: String { "the ranking ended before it was saved; nothing was written to \(path) (run it again and save, or press Enter to keep each default)" }
}
