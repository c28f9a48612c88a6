import Foundation
import SandboxCore

/// Errors reading or writing checkpoints; each names the file and what is wrong.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case unreadable(String, reason: String)
    case truncated(String, reason: String)
    case corrupt(String, reason: String)
    case unsupportedType(String, name: String, dtype: String)
    case newerFormat(String, found: Int, supported: Int)
    case wrongKind(String, expected: String, found: String)
    case missingTensor(String)
    case unexpectedTensor(String)
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    case cannotWrite(String, reason: String)
    case nonFinite(String, tensor: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "cannot read checkpoint \(path): \(reason)"
        case let .truncated(path, reason): return "checkpoint \(path) is truncated (\(reason)); it was not completely written — use another checkpoint"
        case let .corrupt(path, reason): return "checkpoint \(path) is not a valid safetensors file: \(reason)"
        case let .unsupportedType(path, name, dtype): return "checkpoint \(path): tensor \(name) has dtype \(dtype); only F32 and F64 are read — save it as float32"
        case let .newerFormat(path, found, supported): return "checkpoint \(path) has format version \(found); this build reads up to \(supported) — update sandbox"
        case let .wrongKind(path, expected, found): return "checkpoint \(path) holds a \(found), not a \(expected)"
        case let .missingTensor(name): return "checkpoint has no tensor \(name)"
        case let .unexpectedTensor(name): return "checkpoint has a tensor \(name) that the model does not"
        case let .shapeMismatch(name, expected, found): return "checkpoint tensor \(name) has shape \(found), the model needs \(expected)"
        case let .cannotWrite(path, reason): return "cannot write checkpoint \(path): \(reason)"
        case let .nonFinite(path, tensor):
            return "checkpoint \(path): tensor \(tensor) holds NaN or infinite values (training diverged, or the file was damaged); use an earlier checkpoint"
        }
    }
}

/// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length, a JSON
/// header naming each tensor's dtype, shape and byte range, then the raw little-endian data. Python
/// reads these files with `safetensors.numpy.load_file` or `safetensors.torch.load_file`.
public struct SafeTensorsFile {
    /// Tensors in file order (sorted by name when written here).
    public var tensors: [(name: String, tensor: Tensor)]
    /// String metadata (`__metadata__`).
    public var metadata: [String: String]
    /// The file it was read from, for errors that name it; nil for a file made in memory.
    public var path: String?

    public init(tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    public subscript(name: String) -> Tensor? { tensors.first { $0.name == name }?.tensor }

    /// Largest header accepted, as the reference implementation.
    static let maximumHeaderSize = 100_000_000

    public func encoded() throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        let ordered = tensors.sorted { $0.name < $1.name }
        var offset = 0
        for (name, tensor) in ordered {
            let bytes = tensor.count * 4
            header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + bytes]] as [String: Any]
            offset += bytes
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }  // pad with spaces so the data is 8-byte aligned
        var data = Data(capacity: 8 + json.count + offset)
        var length = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
        data.append(json)
        for (_, tensor) in ordered {
            tensor.data.withUnsafeBufferPointer { buffer in
                // Float's memory layout is IEEE-754 little-endian on every platform Swift targets here.
                data.append(UnsafeBufferPointer(start: UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: UInt8.self),
                                                count: buffer.count * 4))
            }
        }
        return data
    }

    /// Writes the file atomically: to a temporary name beside it, then renamed into place.
    public func write(to url: URL) throws {
        let data = try encoded()
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try data.write(to: temporary)
        } catch {
            throw CheckpointError.cannotWrite(url.path, reason: describeFileError(error))
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw CheckpointError.cannotWrite(url.path, reason: reason)
        }
    }

    public static func read(from url: URL) throws -> SafeTensorsFile {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CheckpointError.unreadable(url.path, reason: describeFileError(error))
        }
        var file = try decode(data, path: url.path)
        file.path = url.path
        return file
    }

    public static func decode(_ data: Data, path: String = "data") throws -> SafeTensorsFile {
        guard data.count >= 8 else { throw CheckpointError.truncated(path, reason: "\(data.count) bytes, shorter than the 8-byte header length") }
        let headerLength = data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(maximumHeaderSize) else {
            throw CheckpointError.corrupt(path, reason: "header length \(headerLength) is implausible")
        }
        guard 8 + Int(headerLength) <= data.count else {
            throw CheckpointError.truncated(path, reason: "header of \(headerLength) bytes but only \(data.count - 8) follow")
        }
        let headerData = data.subdata(in: 8..<(8 + Int(headerLength)))
        guard let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
            throw CheckpointError.corrupt(path, reason: "the header is not a JSON object")
        }
        let bufferStart = 8 + Int(headerLength)
        let bufferSize = data.count - bufferStart
        var metadata: [String: String] = [:]
        var entries: [(name: String, dtype: String, shape: [Int], start: Int, end: Int)] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let m = value as? [String: String] else { throw CheckpointError.corrupt(path, reason: "__metadata__ is not a map of strings") }
                metadata = m
                continue
            }
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int], offsets.count == 2 else {
                throw CheckpointError.corrupt(path, reason: "entry \(name) lacks dtype, shape or data_offsets")
            }
            guard shape.allSatisfy({ $0 >= 0 }), offsets[0] >= 0, offsets[1] >= offsets[0] else {
                throw CheckpointError.corrupt(path, reason: "entry \(name) has a negative shape or offsets")
            }
            entries.append((name, dtype, shape, offsets[0], offsets[1]))
        }
        let maxEnd = entries.map(\.end).max() ?? 0
        guard maxEnd <= bufferSize else {
            throw CheckpointError.truncated(path, reason: "tensor data ends at byte \(maxEnd) but the file holds \(bufferSize)")
        }
        var tensors: [(name: String, tensor: Tensor)] = []
        for entry in entries.sorted(by: { $0.start < $1.start }) {
            let elementSize: Int
            switch entry.dtype {
            case "F32": elementSize = 4
            case "F64": elementSize = 8
            default: throw CheckpointError.unsupportedType(path, name: entry.name, dtype: entry.dtype)
            }
            // The shape's product may overflow (a damaged or hostile header); its bytes must match the range anyway.
            var count = 1, bytes = elementSize, overflow = false
            for dimension in entry.shape {
                (count, overflow) = count.multipliedReportingOverflow(by: dimension)
                if overflow { break }
                (bytes, overflow) = count.multipliedReportingOverflow(by: elementSize)
                if overflow { break }
            }
            guard !overflow else {
                throw CheckpointError.corrupt(path, reason: "entry \(entry.name) has shape \(entry.shape), more values than any file can hold")
            }
            guard entry.end - entry.start == bytes else {
                throw CheckpointError.corrupt(path, reason: "entry \(entry.name) has \(entry.end - entry.start) bytes for \(count) \(entry.dtype) values")
            }
            let values: [Float] = data.withUnsafeBytes { raw in
                let base = raw.baseAddress! + bufferStart + entry.start
                if elementSize == 4 {
                    return (0..<count).map { Float(bitPattern: UInt32(littleEndian: (base + 4 * $0).loadUnaligned(as: UInt32.self))) }
                }
                return (0..<count).map { Float(Double(bitPattern: UInt64(littleEndian: (base + 8 * $0).loadUnaligned(as: UInt64.self)))) }
            }
            tensors.append((entry.name, Tensor(shape: entry.shape, data: values)))
        }
        return SafeTensorsFile(tensors: tensors, metadata: metadata)
    }
}

/// A model checkpoint: a safetensors file whose metadata holds the sandbox format version, what kind
/// of model it is, and its configuration as JSON, so that the model can be rebuilt before loading.
public enum Checkpoint {
    public static let formatVersion = 1
    static let versionKey = "sandbox.format_version"
    static let kindKey = "sandbox.kind"
    static let configurationKey = "sandbox.configuration"

    /// Saves `model`'s parameters (and `extra` tensors, e.g. normalisation statistics) with its configuration.
    public static func save<C: Encodable>(_ model: some ParameterContainer, kind: String, configuration: C,
                                          extra: [String: Tensor] = [:], metadata: [String: String] = [:], to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var meta = metadata
        meta[versionKey] = String(formatVersion)
        meta[kindKey] = kind
        meta[configurationKey] = String(decoding: try encoder.encode(configuration), as: UTF8.self)
        let tensors = model.namedParameters.map { ($0.name, $0.tensor.detached()) } + extra.map { ($0.key, $0.value) }
        try SafeTensorsFile(tensors: tensors, metadata: meta).write(to: url)
    }

    /// Reads a checkpoint of `kind` and decodes its configuration.
    public static func read<C: Decodable>(_ url: URL, kind: String, configuration: C.Type) throws -> (configuration: C, file: SafeTensorsFile) {
        let file = try SafeTensorsFile.read(from: url)
        guard let versionText = file.metadata[versionKey], let version = Int(versionText) else {
            throw CheckpointError.corrupt(url.path, reason: "no \(versionKey) in the metadata; not a sandbox checkpoint")
        }
        guard version <= formatVersion else { throw CheckpointError.newerFormat(url.path, found: version, supported: formatVersion) }
        let found = file.metadata[kindKey] ?? "?"
        guard found == kind else { throw CheckpointError.wrongKind(url.path, expected: kind, found: found) }
        guard let json = file.metadata[configurationKey],
              let decoded = try? JSONDecoder().decode(C.self, from: Data(json.utf8)) else {
            throw CheckpointError.corrupt(url.path, reason: "the configuration in the metadata does not decode")
        }
        return (decoded, file)
    }
}

extension ParameterContainer {
    /// Loads parameter values by name; every parameter must be present with its shape. Tensors that are
    /// not parameters are ignored unless `strict` is set.
    public func load(_ file: SafeTensorsFile, strict: Bool = false, ignoring ignored: Set<String> = []) throws {
        let byName = Dictionary(file.tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        let own = namedParameters
        for (name, tensor) in own {
            guard let source = byName[name] else { throw CheckpointError.missingTensor(name) }
            guard source.shape == tensor.shape else { throw CheckpointError.shapeMismatch(name: name, expected: tensor.shape, found: source.shape) }
        }
        if strict {
            let names = Set(own.map(\.name))
            if let extra = byName.keys.sorted().first(where: { !names.contains($0) && !ignored.contains($0) }) {
                throw CheckpointError.unexpectedTensor(extra)
            }
        }
        for (name, _) in own where byName[name]!.data.contains(where: { !$0.isFinite }) {
            throw CheckpointError.nonFinite(file.path ?? "in memory", tensor: name)
        }
        for (name, tensor) in own { tensor.assign(byName[name]!.data) }
    }
}
