import Foundation
import NeuralNets
import SandboxCore
import Rendering
import PhysicsEnvs

extension QDHFExperiment {
    /// Saves the measure model (projection or PCA) to `url`; returns false for ground-truth measures.
    @discardableResult
    public func saveMeasureModel(to url: URL) throws -> Bool {
        if let projection {
            try Checkpoint.save(projection, kind: "descriptor_projection", configuration: projection.configuration, to: url)
            return true
        }
        if let autoencoder {
            try Checkpoint.save(autoencoder, kind: "autoencoder_measures", configuration: autoencoder.configuration, to: url)
            return true
        }
        if let pca {
            let d = pca.mean.count
            try SafeTensorsFile(tensors: [("mean", Tensor(shape: [d], data: pca.mean.map(Float.init))),
                                          ("components", Tensor(shape: [pca.components.count, d], data: pca.components.flatMap { $0.map(Float.init) }))],
                                metadata: ["sandbox.kind": "pca_measures", "sandbox.format_version": "1"]).write(to: url)
            return true
        }
        return false
    }

    /// The final archive as a bundle manifest with the elites' parameters, best elite first.
    public func bundle(seed: UInt64 = 0) throws -> (manifest: ArchiveBundle, solutions: [[Float]]) {
        let spec = try domain.makeEnvironment().spec
        let elites = archive.elites.sorted { $0.objective > $1.objective }
        var entries: [ArchiveBundle.EliteEntry] = []
        for (i, elite) in elites.enumerated() {
            let e = try evaluation(elite.solution)
            entries.append(.init(index: i, cell: elite.cell, objective: elite.objective, measures: elite.measures,
                                 groundTruth: e.groundTruth, episodeReturn: e.episodeReturn, seed: (domain as? LanderStyles)?.seed ?? 0))
        }
        let method = configuration.method
        let manifest = ArchiveBundle(
            domain: domain.name, task: spec.id, taskVersion: spec.version,
            archive: .init(dimensions: archive.dimensions, lowerBounds: archive.lowerBounds, upperBounds: archive.upperBounds),
            measureModel: .init(method: method.rawValue, file: method == .groundTruth ? nil : "measures.safetensors",
                                featureSize: domain.featureSize, features: domain.featureDescription),
            policyLayout: domain.policyLayout, solutionSize: domain.solutionSize, elites: entries)
        return (manifest, elites.map(\.solution))
    }
}

/// How a replayed elite compares with what its bundle recorded.
public struct EliteReplay: Sendable {
    public var index: Int
    public var objective: Double
    public var groundTruth: [Double]
    public var measures: [Double]
    /// Objective and ground-truth measures are bit-identical; learned measures agree to 1e-5.
    public var matched: Bool
    public var mismatches: [String]
}

extension LoadedBundle {
    /// The measure model as a function of feature vectors (nil for ground-truth measures).
    public func measureFunction() throws -> (([[Float]]) -> [[Double]])? {
        guard let name = manifest.measureModel.file else { return nil }
        let url = directory.appendingPathComponent(name)
        switch manifest.measureModel.method {
        case MeasureMethod.qdhf.rawValue, MeasureMethod.qdhfBase.rawValue:
            let (configuration, file) = try Checkpoint.read(url, kind: "descriptor_projection", configuration: DescriptorProjection.Configuration.self)
            let projection = DescriptorProjection(configuration, seed: 0)
            try projection.load(file)
            return { projection.measures($0) }
        case MeasureMethod.auroraAE.rawValue:
            let (configuration, file) = try Checkpoint.read(url, kind: "autoencoder_measures", configuration: FeatureAutoencoder.Configuration.self)
            let model = FeatureAutoencoder(configuration, seed: 0)
            try model.load(file)
            return { model.measures($0) }
        case MeasureMethod.auroraPCA.rawValue:
            let file = try SafeTensorsFile.read(from: url)
            guard let mean = file["mean"], let components = file["components"], components.shape.count == 2,
                  components.shape[1] == mean.count else {
                throw BundleError.malformed(name, reason: "expected tensors 'mean' (d) and 'components' (k × d)")
            }
            let d = mean.count, k = components.shape[0]
            return { features in
                features.map { f in (0..<k).map { c in (0..<d).reduce(0.0) { $0 + (Double(f[$1]) - Double(mean.data[$1])) * Double(components.data[c * d + $1]) } } }
            }
        default:
            throw BundleError.malformed("manifest.json", reason: "unknown measure method '\(manifest.measureModel.method)'")
        }
    }

    /// Re-evaluates elites (all, or those in `indices`) and compares with the manifest.
    public func replay(_ indices: [Int]? = nil) throws -> [EliteReplay] {
        let domain = try makeDomain()
        let measure = try measureFunction()
        let chosen = indices ?? Array(manifest.elites.indices)
        return try chosen.map { i in
            guard manifest.elites.indices.contains(i) else {
                throw BundleError.noElite(i, count: manifest.elites.count)
            }
            let entry = manifest.elites[i]
            let e = try domain.evaluate(solutions[i])
            let measures = measure?([e.features]).first ?? e.groundTruth
            var mismatches: [String] = []
            if e.objective.bitPattern != entry.objective.bitPattern { mismatches.append("objective \(e.objective) ≠ recorded \(entry.objective)") }
            if e.groundTruth.map(\.bitPattern) != entry.groundTruth.map(\.bitPattern) {
                mismatches.append("ground-truth measures \(e.groundTruth) ≠ recorded \(entry.groundTruth)")
            }
            // Elites re-inserted after a refit may sit in an edge cell with clipped bounds; their measures are exact.
            if zip(measures, entry.measures).contains(where: { abs($0 - $1) > 1e-5 * Swift.max(1, abs($1)) }) {
                mismatches.append("measures \(measures) ≠ recorded \(entry.measures)")
            }
            return EliteReplay(index: i, objective: e.objective, groundTruth: e.groundTruth, measures: measures,
                               matched: mismatches.isEmpty, mismatches: mismatches)
        }
    }

    /// Writes the heatmap, a contact sheet of the last frames of `top` elites spread over the archive
    /// (`diverseElites`, best first) and a clip of each of the best `clips` elites.
    public func writePictures(top: Int = 12, clips: Int = 5, clipSize: RenderSize? = nil) throws {
        let domain = try makeDomain()
        let spec = try domain.makeEnvironment().spec
        let size = try clipSize ?? RenderSize(width: spec.renderWidth / 2, height: spec.renderHeight / 2)
        let method = MeasureMethod(rawValue: manifest.measureModel.method) ?? .groundTruth
        try makeArchive().heatmap(title: "\(manifest.domain) archive (\(manifest.measureModel.method)): objective per cell",
                                  measureNames: domain.measureNames(for: method), scaleName: domain.objectiveName)
            .writePNG(to: directory.appendingPathComponent("heatmap.png").path)
        let picks = manifest.diverseElites(count: top)
        guard !picks.isEmpty else { return }
        let clipped = Array(manifest.elites.indices.prefix(clips))
        var lastFrames: [Int: Frame] = [:]
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("clips"), withIntermediateDirectories: true)
        for i in Set(picks).union(clipped).sorted() {
            let entry = manifest.elites[i]
            let environment = try domain.makeEnvironment()
            let episode = try Rollout.run(environment, controller: domain.controller(for: solutions[i]), seed: entry.seed, renderSize: size)
            lastFrames[i] = episode.frames[episode.frames.count - 1]
            if clipped.contains(i) {
                try GIFWriter.write(episode.frames, to: directory.appendingPathComponent("clips/elite_\(entry.index).gif").path,
                                    framesPerSecond: spec.framesPerSecond)
            }
        }
        let names = domain.measureNames(for: MeasureMethod(rawValue: manifest.measureModel.method) ?? .groundTruth)
        if let sheet = Composition.contactSheet(picks.map { lastFrames[$0]! }, count: picks.count, columns: 4, tileWidth: 240,
                                                title: "\(picks.count) of \(manifest.elites.count) elites spread over the archive, best first: #index (\(names.joined(separator: ", "))) objective",
                                                labels: picks.map { manifest.tileLabel($0) }) {
            try sheet.writePNG(to: directory.appendingPathComponent("contact_sheet.png").path)
        }
    }
}

extension ArchiveBundle {
    /// Merges bundles of one domain, measure model and archive shape into one archive, keeping the best
    /// elite per cell; elites are re-indexed best first.
    public static func merge(_ bundles: [LoadedBundle]) throws -> (manifest: ArchiveBundle, solutions: [[Float]]) {
        guard let first = bundles.first else { throw BundleError.incompatible("no bundles given") }
        for other in bundles.dropFirst() {
            guard other.manifest.domain == first.manifest.domain, other.manifest.task == first.manifest.task else {
                throw BundleError.incompatible("\(other.directory.path) is a \(other.manifest.domain) archive, \(first.directory.path) a \(first.manifest.domain) one")
            }
            guard other.manifest.archive == first.manifest.archive else {
                throw BundleError.incompatible("\(other.directory.path) has another grid or other bounds than \(first.directory.path)")
            }
            guard other.manifest.measureModel.method == first.manifest.measureModel.method,
                  other.manifest.measureModel.method == MeasureMethod.groundTruth.rawValue || bundles.count == 1 else {
                throw BundleError.incompatible("learned measures of different runs are not comparable; merge archives with ground-truth measures (--method gt)")
            }
        }
        let archive = first.makeArchive()
        var details: [[Float]: ArchiveBundle.EliteEntry] = [:]
        for bundle in bundles {
            for (entry, solution) in zip(bundle.manifest.elites, bundle.solutions) {
                archive.add(solution: solution, objective: entry.objective, measures: entry.measures)
                if details[solution] == nil { details[solution] = entry }
            }
        }
        let elites = archive.elites.sorted { $0.objective > $1.objective }
        var manifest = first.manifest
        manifest.elites = elites.enumerated().map { i, elite in
            var entry = details[elite.solution]!
            entry.index = i
            entry.cell = elite.cell
            return entry
        }
        return (manifest, elites.map(\.solution))
    }
}

extension GridArchive {
    /// A heatmap of the objective per cell (first measure across, second up), its axes named by
    /// `measureNames` over the archive's bounds and its colour bar by `scaleName`.
    public func heatmap(title: String, measureNames: [String] = ["measure 1", "measure 2"], scaleName: String = "objective") -> Heatmap {
        let (rows, columns) = (dimensions[1], dimensions[0])
        var values = Array(repeating: [Double?](repeating: nil, count: columns), count: rows)
        for elite in elites { values[elite.cell % rows][elite.cell / rows] = elite.objective }
        func axis(_ d: Int) -> Heatmap.Axis? {
            guard d < measureNames.count, lowerBounds[d] < upperBounds[d] else { return nil }
            return Heatmap.Axis(name: measureNames[d], range: lowerBounds[d]...upperBounds[d])
        }
        return Heatmap(title: title, values: values, xAxis: axis(0), yAxis: axis(1), scaleName: scaleName)
    }
}

extension QDDomain {
    /// Names for the measures an archive of `method` is binned by: the domain's own for ground-truth
    /// measures, numbered learned ones otherwise (their units are the model's).
    public func measureNames(for method: MeasureMethod) -> [String] {
        method == .groundTruth ? measureNames : measureNames.indices.map { "learned measure \($0 + 1) (\(method.rawValue))" }
    }
}
