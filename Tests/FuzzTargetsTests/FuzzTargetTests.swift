import Foundation
import Testing
import FuzzTargets
import RewardLearning
import SandboxCore

/// The fuzz targets of issue 23, briefly: each parser runs over its seed corpus (`fuzz/corpus/TARGET/`),
/// every input that once crashed it (`fuzz/regressions/TARGET/`) and a few thousand seeded mutations of
/// the seeds. Not crashing is the test; every refusal must also say what is wrong in one line. `make fuzz`
/// runs the same entry points under libFuzzer for minutes.
@Suite("Fuzz targets")
struct FuzzTargetTests {
    /// The repository's `fuzz/` folder.
    static let fuzzFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fuzz")

    /// Mutated inputs per target in `make test`.
    static let mutationsPerTarget = 4000

    /// The files of `fuzz/<folder>/<target>/`, sorted by name (none when the folder is absent).
    static func inputs(_ folder: String, _ target: FuzzTarget) throws -> [(name: String, bytes: [UInt8])] {
        let directory = fuzzFolder.appendingPathComponent(folder).appendingPathComponent(target.rawValue)
        guard FileManager.default.fileExists(atPath: directory.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().filter { !$0.hasPrefix(".") }.map { name in
            (name, Array(try Data(contentsOf: directory.appendingPathComponent(name))))
        }
    }

    /// Runs `target` on `bytes`: a refusal must be a one-line message.
    static func check(_ target: FuzzTarget, _ bytes: [UInt8], _ name: String) {
        do {
            try target.run(Data(bytes))
        } catch {
            let message = "\(error)"
            #expect(!message.isEmpty, "\(target.rawValue) \(name): an empty error")
            #expect(!message.contains("\n"), "\(target.rawValue) \(name): a message of several lines: \(message)")
        }
    }

    @Test("every target has a seed corpus, and its seeds are accepted", arguments: FuzzTarget.allCases)
    func seedsAreAccepted(target: FuzzTarget) throws {
        let seeds = try Self.inputs("corpus", target)
        #expect(!seeds.isEmpty, "no seeds in fuzz/corpus/\(target.rawValue)")
        for seed in seeds {
            #expect(throws: Never.self, "\(target.rawValue) seed \(seed.name)") { try target.run(Data(seed.bytes)) }
        }
    }

    @Test("inputs that once crashed a parser are refused with a message", arguments: FuzzTarget.allCases)
    func regressionsAreRefused(target: FuzzTarget) throws {
        for input in try Self.inputs("regressions", target) {
            #expect(throws: (any Error).self, "\(target.rawValue) regression \(input.name) was accepted") { try target.run(Data(input.bytes)) }
            Self.check(target, input.bytes, input.name)
        }
    }

    @Test("seeded mutations of the seeds do not crash", arguments: FuzzTarget.allCases)
    func mutationsDoNotCrash(target: FuzzTarget) throws {
        let seeds = try Self.inputs("corpus", target).map(\.bytes)
        try #require(!seeds.isEmpty)
        var mutator = Mutator(seed: 23 &* 1000 &+ UInt64(FuzzTarget.allCases.firstIndex(of: target)!))
        for i in 0..<Self.mutationsPerTarget {
            let seed = seeds[i % seeds.count], other = seeds[(i / seeds.count + 1) % seeds.count]
            var input = mutator.mutate(seed, other: other)
            // A safetensors header is mutated inside its length prefix half the time, so that the JSON is reached.
            if target == .safetensors, i % 2 == 0, let header = SafeTensorsHeader(seed) {
                input = header.rebuilt(json: mutator.mutate(header.json, other: header.json))
            }
            Self.check(target, input, "mutation \(i)")
        }
    }

    @Test("seeded import lines go into a label store, and an out-of-range segment is refused")
    func importedSeedsStore() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let seeds = try Self.inputs("corpus", .labelImport)
        let store = try LabelStore(path: folder.appendingPathComponent("labels.db").path)
        for (i, seed) in seeds.enumerated() {
            let file = folder.appendingPathComponent("\(i).jsonl")
            try Data(seed.bytes).write(to: file)
            #expect(try store.importQueries(from: file).newQueries + store.importQueries(from: file).existingQueries > 0)
        }
        // A length that overflows start + length once crashed the segment check downstream.
        let line = try #require(String(bytes: seeds[0].bytes, encoding: .utf8)?.split(separator: "\n").first)
        let hostile = line.replacingOccurrences(of: "\"length\":", with: "\"length\":9223372036854775807,\"x\":")
        let file = folder.appendingPathComponent("hostile.jsonl")
        try Data(hostile.utf8).write(to: file)
        #expect(throws: LabelStoreError.self) { try store.importQueries(from: file) }
    }
}

/// A safetensors file split into its JSON header and the rest, to mutate the header and re-prefix its length.
struct SafeTensorsHeader {
    var json: [UInt8]
    var rest: [UInt8]

    init?(_ bytes: [UInt8]) {
        guard bytes.count >= 8 else { return nil }
        let length = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        guard length >= 0, 8 + length <= bytes.count else { return nil }
        json = Array(bytes[8..<(8 + length)])
        rest = Array(bytes[(8 + length)...])
    }

    func rebuilt(json: [UInt8]) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: json.count >> (8 * $0)) } + json + rest
    }
}
