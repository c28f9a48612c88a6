import Foundation
import Testing
import TestSupport
@testable import NeuralNets

@Suite("safetensors checkpoints")
struct SafeTensorsTests {
    func temporaryURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-nn-\(UUID().uuidString)-\(name)")
    }

    @Test("an MLP round-trips through a checkpoint with its configuration")
    func roundTrip() throws {
        var g = TestGenerator(seed: 41)
        let configuration = MLP.Configuration(inputSize: 4, hiddenSizes: [6], outputSize: 2, activation: .leakyRelu)
        let mlp = MLP(configuration, using: &g)
        let url = temporaryURL("mlp.safetensors")
        try Checkpoint.save(mlp, kind: "mlp", configuration: configuration, extra: ["normalizer.mean": Tensor([1, 2, 3, 4])], to: url)
        let (loadedConfiguration, file) = try Checkpoint.read(url, kind: "mlp", configuration: MLP.Configuration.self)
        #expect(loadedConfiguration == configuration)
        var other = TestGenerator(seed: 999)
        let restored = MLP(loadedConfiguration, using: &other)
        try restored.load(file)
        let x = Tensor.uniform([3, 4], low: -1, high: 1, using: &g)
        #expect(restored(x).data == mlp(x).data)
        #expect(file["normalizer.mean"]?.data == [1, 2, 3, 4])
        #expect(throws: CheckpointError.self) { try restored.load(file, strict: true) }
        try restored.load(file, strict: true, ignoring: ["normalizer.mean"])
        // No temporary file is left beside it.
        let siblings = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
        #expect(!siblings.contains { $0.contains(url.lastPathComponent) && $0.hasSuffix(".tmp") })
    }

    @Test("a file written by the Python safetensors package loads")
    func pythonFixture() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/python_written.safetensors")
        let file = try SafeTensorsFile.read(from: url)
        #expect(file.metadata["writer"] == "safetensors-python")
        #expect(file["layers.0.weight"]?.shape == [3, 4])
        #expect(file["layers.0.weight"]?.data == (0..<12).map { Float($0) / 8 })
        #expect(file["layers.0.bias"]?.data == [0.5, -1.5, 2.25])
        #expect(file["scalar"]?.shape == [] && file["scalar"]?.item == 3)
        #expect(file["double"]?.data == [1, -2])
    }

    @Test("truncated, corrupt and foreign files are refused with a reason")
    func refusals() throws {
        var g = TestGenerator(seed: 42)
        let mlp = MLP(.init(inputSize: 3, hiddenSizes: [4], outputSize: 1), using: &g)
        let url = temporaryURL("model.safetensors")
        try Checkpoint.save(mlp, kind: "mlp", configuration: mlp.configuration, to: url)
        let good = try Data(contentsOf: url)

        for (label, data) in [
            ("empty", Data()),
            ("cut in the length", good.prefix(5)),
            ("cut in the header", good.prefix(40)),
            ("cut in the data", good.prefix(good.count - 7)),
        ] {
            do {
                _ = try SafeTensorsFile.decode(data)
                Issue.record("\(label) was accepted")
            } catch let error as CheckpointError {
                #expect(error.description.contains("truncated"), "\(label): \(error)")
            }
        }
        var garbled = good
        garbled[9] = 0x7B  // break the JSON
        garbled[10] = 0x7B
        #expect(throws: CheckpointError.self) { try SafeTensorsFile.decode(garbled) }
        var huge = good
        huge.replaceSubrange(0..<8, with: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
        #expect(throws: CheckpointError.self) { try SafeTensorsFile.decode(huge) }

        #expect(throws: CheckpointError.wrongKind(url.path, expected: "policy", found: "mlp")) {
            try Checkpoint.read(url, kind: "policy", configuration: MLP.Configuration.self)
        }
        let wrongShape = MLP(.init(inputSize: 5, hiddenSizes: [4], outputSize: 1), using: &g)
        #expect(throws: CheckpointError.shapeMismatch(name: "layers.0.weight", expected: [4, 5], found: [4, 3])) {
            try wrongShape.load(try SafeTensorsFile.read(from: url))
        }
        #expect(throws: CheckpointError.self) { try SafeTensorsFile.read(from: temporaryURL("absent")) }
    }

    @Test("a shape whose count of values overflows is refused, not trapped on (issue 23)")
    func overflowingShapes() throws {
        for (dtype, shape) in [("F32", "[4294967296,4294967296]"), ("F64", "[2305843009213693952]"), ("F32", "[3,0,9223372036854775807]")] {
            var header = Array(#"{"w":{"dtype":"\#(dtype)","shape":\#(shape),"data_offsets":[0,0]}}"#.utf8)
            while header.count % 8 != 0 { header.append(0x20) }
            let data = Data((0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) } + header)
            if shape.contains(",0,") {
                #expect(try SafeTensorsFile.decode(data)["w"]?.shape == [3, 0, Int.max])  // no values: a legal, empty tensor
            } else {
                #expect(throws: CheckpointError.corrupt("data", reason: "entry w has shape \(shape.replacingOccurrences(of: ",", with: ", ")), more values than any file can hold")) {
                    try SafeTensorsFile.decode(data)
                }
            }
        }
    }
}
