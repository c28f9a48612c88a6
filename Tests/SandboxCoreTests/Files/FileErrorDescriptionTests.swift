import Foundation
import Testing
import SandboxCore

@Suite("file errors and numbers in messages")
struct FileErrorDescriptionTests {
    @Test("Foundation's file errors become plain reasons")
    func reasons() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-fe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        do {
            _ = try Data(contentsOf: folder.appendingPathComponent("missing.json"))
            Issue.record("read a missing file")
        } catch {
            #expect(describeFileError(error).contains("no such file"), "\(describeFileError(error))")
        }
        do {
            _ = try Data(contentsOf: folder)
            Issue.record("read a folder")
        } catch {
            #expect(describeFileError(error) == "it is a folder, not a file", "\(describeFileError(error))")
        }
    }

    @Test("numbers read as a person writes them")
    func plainText() {
        #expect(2.0.plainText == "2")
        #expect((-12.0).plainText == "-12")
        #expect(0.0003.plainText == "0.0003")
        #expect(Double.nan.plainText == "nan")
        #expect(1e300.plainText == "1e+300")
    }
}
