import Foundation
import NeuralNets
import SandboxCore
import Rendering
import PhysicsEnvs

/// A self-contained policy archive (`sandbox archive export`): a directory holding
///
/// - `manifest.json`: format version, domain, task and version, archive type, dimensions and bounds,
///   the measure model, the policy layout, and for each elite its index, cell, objective, learned
///   measures, ground-truth measures, episode return and evaluation seed;
/// - `policies.safetensors`: tensor `solutions` (elites × parameters, float32), in manifest order;
/// - `measures.safetensors`: the measure model's weights (a learned projection `linear.weight|bias`,
///   or PCA `mean` and `components`; absent for ground-truth measures);
/// - `heatmap.png`, `contact_sheet.png` (last frames of elites spread over the archive) and `clips/elite_<index>.gif`.
///
/// Python reads it with `json` and `safetensors.numpy.load_file`.
public struct ArchiveBundle: Codable, Equatable, Sendable {
    public struct EliteEntry: Codable, Equatable, Sendable {
        public var index: Int
        public var cell: Int
        public var objective: Double
        public var measures: [Double]
        public var groundTruth: [Double]
        public var episodeReturn: Double?
        public var seed: UInt64
        enum CodingKeys: String, CodingKey {
            case index, cell, objective, measures, seed
            case groundTruth = "ground_truth"
            case episodeReturn = "episode_return"
        }
    }
    public struct ArchiveShape: Codable, Equatable, Sendable {
        public var type = "grid"
        public var dimensions: [Int]
        public var lowerBounds: [Double]
        public var upperBounds: [Double]
        enum CodingKeys: String, CodingKey {
            case type, dimensions
            case lowerBounds = "lower_bounds"
            case upperBounds = "upper_bounds"
        }
    }
    public struct MeasureModel: Codable, Equatable, Sendable {
        /// `qdhf` / `qdhf-base` (linear projection of f(x)), `aurora-pca`, or `gt`.
        public var method: String
        /// File with the weights, relative to the bundle; nil for ground-truth measures.
        public var file: String?
        public var featureSize: Int
        public var features: String
        enum CodingKeys: String, CodingKey {
            case method, file, features
            case featureSize = "feature_size"
        }
    }

    public static let formatVersion = 1
    public var format = ArchiveBundle.formatVersion
    public var domain: String
    public var task: String
    public var taskVersion: Int
    public var archive: ArchiveShape
    public var measureModel: MeasureModel
    public var policyLayout: String
    public var solutionSize: Int
    public var elites: [EliteEntry]

    enum CodingKeys: String, CodingKey {
        case format, domain, task, archive, elites
        case taskVersion = "task_version"
        case measureModel = "measure_model"
        case policyLayout = "policy_layout"
        case solutionSize = "solution_size"
    }
}

public enum BundleError: Error, CustomStringConvertible, Equatable {
    case missingFile(String)
    case malformed(String, reason: String)
    case newerFormat(found: Int, supported: Int)
    case inconsistent(String)
    case unknownDomain(String)
    case incompatible(String)
    case noElite(Int, count: Int)

    public var description: String {
        switch self {
        case .missingFile(let path): return "the archive bundle has no \(path); export it again with `sandbox archive export`"
        case let .malformed(path, reason): return "\(path) in the archive bundle is malformed: \(reason)"
        case let .newerFormat(found, supported): return "the archive bundle has format \(found); this build reads up to \(supported) — update sandbox"
        case .inconsistent(let reason): return "the archive bundle is inconsistent: \(reason)"
        case .unknownDomain(let name): return "the archive bundle's domain '\(name)' is not in this build (domains: \(QDDomains.names.joined(separator: ", ")))"
        case .incompatible(let reason): return "the archives cannot be merged: \(reason)"
        case let .noElite(index, count):
            return count == 0 ? "the bundle has no elites, so there is no elite \(index)"
                : "the bundle has no elite \(index); pick --elite from 0 to \(count - 1) (see `sandbox archive show`)"
        }
    }
}

/// A loaded bundle: its manifest and the elites' parameters.
public struct LoadedBundle {
    public var manifest: ArchiveBundle
    public var solutions: [[Float]]
    public var directory: URL

    /// A bundle of `manifest` (from `ArchiveBundle.decodeManifest`) with one row of parameters per elite.
    public init(manifest: ArchiveBundle, solutions: [[Float]], directory: URL) {
        self.manifest = manifest
        self.solutions = solutions
        self.directory = directory
    }

    /// The bundle's domain (evaluations, episodes, controllers).
    public func makeDomain() throws -> any QDDomain {
        guard let domain = QDDomains.make(manifest.domain) else { throw BundleError.unknownDomain(manifest.domain) }
        return domain
    }

    /// The elites as an archive of the bundle's shape.
    public func makeArchive() -> GridArchive {
        let shape = manifest.archive
        let archive = GridArchive(solutionSize: manifest.solutionSize, dimensions: shape.dimensions,
                                  ranges: zip(shape.lowerBounds, shape.upperBounds).map { $0...$1 })
        for (entry, solution) in zip(manifest.elites, solutions) {
            archive.add(solution: solution, objective: entry.objective, measures: entry.measures)
        }
        return archive
    }
}

extension ArchiveBundle {
    /// Reads and checks a bundle directory: the manifest, the parameters (one row per elite, the
    /// manifest's width), and the measure model's file when the manifest names one.
    public static func load(from directory: URL) throws -> LoadedBundle {
        let manifestURL = directory.appendingPathComponent("manifest.json")
        guard let data = try? Data(contentsOf: manifestURL) else { throw BundleError.missingFile("manifest.json") }
        let manifest = try decodeManifest(data)
        let policiesURL = directory.appendingPathComponent("policies.safetensors")
        guard FileManager.default.fileExists(atPath: policiesURL.path) else { throw BundleError.missingFile("policies.safetensors") }
        let file: SafeTensorsFile
        do { file = try SafeTensorsFile.read(from: policiesURL) } catch {
            throw BundleError.malformed("policies.safetensors", reason: "\(error)")
        }
        guard let tensor = file["solutions"] else { throw BundleError.malformed("policies.safetensors", reason: "no tensor 'solutions'") }
        let n = manifest.elites.count, d = manifest.solutionSize
        guard tensor.shape == [n, d] else {
            throw BundleError.inconsistent("policies.safetensors holds \(tensor.shape) parameters but the manifest lists \(n) elites of \(d)")
        }
        if let measureFile = manifest.measureModel.file {
            guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(measureFile).path) else {
                throw BundleError.missingFile(measureFile)
            }
        }
        let solutions = (0..<n).map { i in Array(tensor.data[(i * d)..<((i + 1) * d)]) }
        if let row = solutions.firstIndex(where: { $0.contains { !$0.isFinite } }) {
            throw BundleError.inconsistent("elite \(manifest.elites[row].index)'s parameters in policies.safetensors are not all finite numbers")
        }
        return LoadedBundle(manifest: manifest, solutions: solutions, directory: directory)
    }

    /// Largest archive a bundle may describe, in cells times parameters per solution: an archive holds
    /// that many floats (a gigabyte at this limit), far beyond any QDHF run here.
    public static let maximumArchiveValues = 1 << 28

    /// Decodes and checks a bundle's `manifest.json`: its format, and an archive shape that an archive can
    /// be made of (one increasing, finite range per dimension, positive dimensions, a bounded size) with
    /// each elite's measures one per dimension.
    public static func decodeManifest(_ data: Data) throws -> ArchiveBundle {
        let manifest: ArchiveBundle
        do { manifest = try decodeJSONFile(ArchiveBundle.self, from: data) } catch {
            throw BundleError.malformed("manifest.json", reason: error.description)
        }
        guard manifest.format <= formatVersion else { throw BundleError.newerFormat(found: manifest.format, supported: formatVersion) }
        try manifest.checkDomain()
        try manifest.checkArchiveShape()
        try manifest.checkElites()
        let shape = manifest.archive
        guard !shape.dimensions.isEmpty else { throw BundleError.inconsistent("the archive has no dimensions; it needs one per measure") }
        guard shape.dimensions.count == shape.lowerBounds.count, shape.dimensions.count == shape.upperBounds.count,
              zip(shape.lowerBounds, shape.upperBounds).allSatisfy({ $0 < $1 && ($1 - $0).isFinite }) else {
            throw BundleError.inconsistent("archive bounds do not match its dimensions, or are not finite and increasing")
        }
        if let bad = shape.dimensions.first(where: { $0 < 1 }) {
            throw BundleError.inconsistent("archive dimension \(bad) is not a positive number of cells")
        }
        guard manifest.solutionSize >= 0 else {
            throw BundleError.inconsistent("solution_size \(manifest.solutionSize) is negative")
        }
        var values = Swift.max(manifest.solutionSize, 1), overflow = false
        for dimension in shape.dimensions where !overflow {
            (values, overflow) = values.multipliedReportingOverflow(by: dimension)
        }
        guard !overflow, values <= maximumArchiveValues else {
            throw BundleError.inconsistent("an archive of \(shape.dimensions.map(String.init).joined(separator: "×")) cells with \(manifest.solutionSize) parameters each is larger than \(maximumArchiveValues) values; this is not a bundle written by sandbox")
        }
        for entry in manifest.elites where entry.measures.count != shape.dimensions.count {
            throw BundleError.inconsistent("elite \(entry.index) has \(entry.measures.count) measures, the archive \(shape.dimensions.count)")
        }
        return manifest
    }

    /// Writes the manifest and parameters (and copies the measure model file), atomically per file.
    /// Pictures are added by `writePictures`.
    public func write(solutions: [[Float]], measureModelFile: URL?, to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        precondition(solutions.count == elites.count && solutions.allSatisfy { $0.count == solutionSize }, "one solution per elite")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeAtomically(try encoder.encode(self), to: directory.appendingPathComponent("manifest.json"))
        let tensor = Tensor(shape: [elites.count, solutionSize], data: solutions.flatMap { $0 })
        try SafeTensorsFile(tensors: [("solutions", tensor)],
                            metadata: ["sandbox.kind": "policy_archive", "sandbox.format_version": "\(Self.formatVersion)",
                                       "sandbox.policy_layout": policyLayout])
            .write(to: directory.appendingPathComponent("policies.safetensors"))
        if let source = measureModelFile, let name = measureModel.file {
            let target = directory.appendingPathComponent(name)
            if source.standardizedFileURL != target.standardizedFileURL {
                try writeAtomically(try Data(contentsOf: source), to: target)
            }
        }
    }
}

extension BundleError: UsageErrorClassifying {
    /// Asking for an elite the bundle lacks is a usage error; a damaged bundle is not.
    public var isUsageError: Bool {
        if case .noElite = self { return true }
        return false
    }
}
