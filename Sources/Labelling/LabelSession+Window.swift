import Foundation
import SandboxCore
import Rendering
import RewardLearning

/// A labelling session in the window: keys map to actions, and the store is polled every second for
/// queries that a training run has written since.
public final class SessionWindowContent: WindowContent {
    public let session: LabelSession
    private let screen = LabelScreen()
    private var sincePoll = 0.0

    public init(session: LabelSession) { self.session = session }

    public var title: String { "sandbox label — \(session.annotator)" }
    public var size: (width: Int, height: Int) { (LabelScreen.width, screen.height) }
    public var isFinished: Bool { session.hasQuit }
    public func render() -> Frame { screen.render(session) }

    public func tick(seconds: Double) throws {
        session.advance(seconds: seconds)
        sincePoll += seconds
        if sincePoll >= 1 {
            sincePoll = 0
            try session.refresh()
        }
    }

    /// The printable keys of the window (see `LabelScreen`'s footer).
    public static func action(for character: Character) -> LabelAction? {
        switch character {
        case "1": return .answer(.first)
        case "2": return .answer(.second)
        case "=": return .answer(.equal)
        case "s", "S": return .answer(.skip)
        case "u", "U": return .undo
        case "q", "Q": return .quit
        case " ": return .togglePause
        case ",": return .stepFrames(-1)
        case ".": return .stepFrames(1)
        case "[": return .jumpFrames(-10)
        case "]": return .jumpFrames(10)
        case "-": return .slower
        case "+": return .faster
        case "t", "T": return .toggleTraces
        default: return nil
        }
    }

    public func character(_ character: Character) throws {
        if let action = Self.action(for: character) { try session.perform(action) }
    }

    public func key(_ key: WindowKey, shift: Bool) throws {
        switch key {
        case .left: try session.perform(.answer(.first))
        case .right: try session.perform(.answer(.second))
        case .up: try session.perform(.faster)
        case .down: try session.perform(.slower)
        case .home: try session.perform(.seek(0))
        case .end: try session.perform(.seek(1))
        case .escape: try session.perform(.quit)
        case .enter, .backspace: break
        }
    }

    public func click(x: Double, y: Double) throws {
        let bar = screen.timelineRectangle
        if x >= bar.x, x <= bar.x + bar.width, y >= bar.y - 4, y <= bar.y + bar.height + 4 {
            try session.perform(.seek((x - bar.x) / bar.width))
        }
    }
}
