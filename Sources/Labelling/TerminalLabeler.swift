import Foundation
import SandboxCore
import Rendering
import RewardLearning

/// Labelling without a display: each pending query's clips are written side by side to a GIF whose
/// path is printed, and the answer is read as a line of text. Answers are committed to the store
/// before the next query is shown, as in the window.
public final class TerminalLabeler {
    public let session: LabelSession
    public let clipDirectory: URL
    private let readLine: () -> String?
    private let write: (String) -> Void

    /// - Parameters:
    ///   - readLine: the next line typed (nil when input ends).
    ///   - write: prints text (prompts end without a newline).
    public init(session: LabelSession, clipDirectory: URL, readLine: @escaping () -> String? = { Swift.readLine() },
                write: @escaping (String) -> Void = { print($0, terminator: ""); fflush(stdout) }) {
        self.session = session
        self.clipDirectory = clipDirectory
        self.readLine = readLine
        self.write = write
    }

    /// The typed answers: 1/a/left, 2/b/right, =/e/equal, s/skip, u/undo, q/quit.
    public static func action(for line: String) -> LabelAction? {
        switch line.trimmingCharacters(in: .whitespaces).lowercased() {
        case "1", "a", "left": return .answer(.first)
        case "2", "b", "right": return .answer(.second)
        case "=", "e", "equal": return .answer(.equal)
        case "s", "skip": return .answer(.skip)
        case "u", "undo": return .undo
        case "q", "quit": return .quit
        default: return nil
        }
    }

    /// Asks until no query is pending, input ends or the person quits. Returns the answers saved.
    @discardableResult
    public func run() throws -> Int {
        try FileManager.default.createDirectory(at: clipDirectory, withIntermediateDirectories: true)
        var saved = 0
        while let current = session.current, !session.hasQuit {
            let clip = try writeClip(current)
            let question = current.query.kind == .triplet
                ? "which candidate is more like the reference? 1 = A, 2 = B, = equal, s skip, u undo, q quit: "
                : "which is better? 1 = A (left), 2 = B (right), = equal, s skip, u undo, q quit: "
            write("query \(current.query.id) (\(session.pendingCount) pending): \(clip.path)\n\(question)")
            while true {
                guard let line = readLine() else {
                    write("\ninput ended; \(saved) answers saved in \(session.store.path)\n")
                    return saved
                }
                guard let action = Self.action(for: line) else {
                    write("please type 1, 2, =, s, u or q: ")
                    continue
                }
                try session.perform(action)
                if case .answer = action { saved += 1 }
                if case .undo = action { saved = Swift.max(0, saved - 1) }
                write(session.message.isEmpty ? "" : "\(session.message)\n")
                break
            }
        }
        write("\(saved) answers saved in \(session.store.path); \(session.pendingCount) pending\n")
        return saved
    }

    func writeClip(_ current: QueryClips) throws -> URL {
        let url = clipDirectory.appendingPathComponent("query_\(current.query.id).gif")
        let labels = current.query.kind == .triplet ? ["reference", "A", "B"] : ["A", "B"]
        let sides = zip(current.clips, labels).map { ClipSide($0, label: $1) }
        let frames = Composition.sideBySide(sides, caption: "query \(current.query.id)")
        let fps = current.framesPerSecond
        try GIFWriter.write(frames, to: url.path, framesPerSecond: fps)
        return url
    }
}
