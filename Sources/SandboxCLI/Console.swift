import Foundation

/// Where the commands read and write: the process's standard streams, or text buffers when the command
/// line runs in-process (tests). `SandboxCLI.run(_:console:)` binds it for the call.
public final class Console: @unchecked Sendable {
    /// The console of the command running on this task.
    @TaskLocal static var current = Console()

    private let lock = NSLock()
    private let capturing: Bool
    private var outputText = ""
    private var errorText = ""
    private var inputLines: [String]

    /// The process's standard output, error and input.
    public init() {
        capturing = false
        inputLines = []
    }

    /// Buffers for output and errors; `input`'s lines are what the command reads (none: input has ended).
    public init(capturingWithInput input: String?) {
        capturing = true
        var lines = input.map { $0.components(separatedBy: "\n") } ?? []
        if input?.hasSuffix("\n") == true { lines.removeLast() }
        inputLines = lines
    }

    /// Whether output goes to buffers rather than the process's streams.
    public var isCapturing: Bool { capturing }

    /// What the command printed to standard output (captured consoles only).
    public var output: String { lock.withLock { outputText } }
    /// What the command printed to standard error (captured consoles only).
    public var errorOutput: String { lock.withLock { errorText } }

    func write(_ text: String) {
        guard capturing else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        lock.withLock { outputText += text }
    }

    func writeError(_ text: String) {
        guard capturing else {
            FileHandle.standardError.write(Data(text.utf8))
            return
        }
        lock.withLock { errorText += text }
    }

    func readLine() -> String? {
        guard capturing else { return Swift.readLine() }
        return lock.withLock { inputLines.isEmpty ? nil : inputLines.removeFirst() }
    }
}

/// The commands' `print`: to the current console.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    Console.current.write(items.map { "\($0)" }.joined(separator: separator) + terminator)
}

/// The commands' `readLine`: from the current console.
func readLine() -> String? { Console.current.readLine() }
