import Foundation
import Testing
import TestSupport
import RewardLearning

/// `sandbox queries answer` killed with SIGKILL mid-run: a subprocess test, so it lives with the CLI's tests.
@Suite("Label store under a killed writer", .serialized)
struct KilledWriterTests {
    func temporaryPath(_ name: String) -> String { Fixtures.temporaryPath(name) }
    func filledStore(_ path: String) throws -> LabelStore { try Fixtures.filledStore(path) }

    @Test("a process killed between answers loses no committed answer")
    func killedWriter() throws {
        let path = temporaryPath("kill.db")
        let store = try filledStore(path)
        // Many pending queries for the child to answer.
        let segments = try store.queries().flatMap { [$0.first, $0.second] }
        _ = segments
        for _ in 0..<400 { try store.addQuery(kind: .pair, first: 1, second: 3) }
        var executable = Bundle.main.bundleURL
        for _ in 0..<3 where !FileManager.default.isExecutableFile(atPath: executable.appendingPathComponent("sandbox").path) {
            executable.deleteLastPathComponent()
        }
        let process = Process()
        process.executableURL = executable.appendingPathComponent("sandbox")
        process.arguments = ["queries", "answer", "--store", path, "--teacher", "noisy", "--verbose"]  // a line per saved answer
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Read reported commits until a few dozen are in, then kill without warning.
        var reported: [Int64] = []
        var buffer = Data()
        while reported.count < 40 {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            let text = String(decoding: buffer, as: UTF8.self)
            reported = text.split(separator: "\n").compactMap { line in
                line.hasPrefix("answered query ") ? Int64(line.dropFirst(15).split(separator: ":")[0]) : nil
            }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(reported.count >= 40)
        let reopened = try LabelStore(path: path)
        let stored = Set(try reopened.answers().map(\.queryID))
        #expect(Set(reported).isSubset(of: stored), "answers reported as saved are missing after the kill")
        // The store still works: the rest can be answered.
        #expect(try reopened.pendingQueries(annotator: "teacher:noisy").count == 403 - stored.count)
    }
}
