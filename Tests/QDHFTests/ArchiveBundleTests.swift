import Foundation
import Testing
import TestSupport
import NeuralNets
import SandboxCore
import PhysicsEnvs
@testable import QDHF

@Suite("Domains and policy archives", .serialized)
struct ArchiveBundleTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bundle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A short run exported as a bundle (manifest, parameters, measure model).
    func exportedRun(domain: any QDDomain, method: MeasureMethod, seed: UInt64) throws -> (QDHFExperiment, URL) {
        var configuration = QDHFExperiment.Configuration()
        configuration.method = method
        configuration.iterations = 12
        configuration.batchSize = 20
        configuration.judgments = 80
        configuration.gridSize = 10
        let experiment = QDHFExperiment(domain: domain, configuration: configuration, seed: seed)
        while experiment.iteration < configuration.iterations { try experiment.step() }
        let directory = try temporaryDirectory()
        try experiment.saveMeasureModel(to: directory.appendingPathComponent("measures.safetensors"))
        let (manifest, solutions) = try experiment.bundle()
        try manifest.write(solutions: solutions, measureModelFile: nil, to: directory)
        return (experiment, directory)
    }

    @Test("the lander domain is deterministic; its features are the trajectory and its measures in range")
    func landerDomain() throws {
        let domain = LanderStyles()
        var generator = SeededGenerator(seed: 1)
        let solution = domain.randomSolution(using: &generator)
        let a = try domain.evaluate(solution), b = try domain.evaluate(solution)
        #expect(a == b)
        #expect(a.features.count == domain.featureSize && a.groundTruth.count == 2)
        #expect((0...100).contains(a.objective))
        #expect(zip(a.groundTruth, domain.groundTruthRanges).allSatisfy { $1.contains($0) })
        // The episode a person sees is the evaluated one.
        let record = try domain.episode(of: solution)
        #expect(record.episodeReturn == a.episodeReturn)
        let first = try domain.evaluate(domain.randomSolution(using: &generator))
        #expect(first.features != a.features, "different policies fly differently")
    }

    @Test("the maze domain: an MLP policy drives the robot; measures are its final position; runs use the iso-line emitter")
    func mazeDomain() throws {
        let domain = MazeDomain()
        #expect(domain.solutionSize == 90 && domain.preferredEmitter == .isoLine)
        var generator = SeededGenerator(seed: 21)
        let solution = domain.randomSolution(using: &generator)
        let a = try domain.evaluate(solution)
        let again = try domain.evaluate(solution)
        #expect(a == again)
        #expect(a.features.count == 20 && (0...100).contains(a.objective))
        #expect(zip(a.groundTruth, domain.groundTruthRanges).allSatisfy { $1.contains($0) })
        let record = try domain.episode(of: solution)
        #expect(record.episodeReturn == a.episodeReturn)
        let (experiment, directory) = try exportedRun(domain: domain, method: .qdhf, seed: 22)
        #expect(experiment.archive.eliteCount > 3)
        let replays = try ArchiveBundle.load(from: directory).replay()
        let failures = replays.filter { !$0.matched }.count
        #expect(failures == 0)
    }

    @Test("a small MLP policy reads its flat parameters as the layout says")
    func smallMLPPolicy() {
        // 2 → 1 → 1: W1 (1×2) = [1, 2], b1 = [0.5], W2 = [3], b2 = [-1].
        let policy = SmallMLPPolicy([1, 2, 0.5, 3, -1], sizes: [2, 1, 1])
        let hidden = tanh(Float(1 * 0.1 + 2 * 0.2 + 0.5))
        #expect(abs(policy.action(for: [0.1, 0.2])[0] - tanh(3 * hidden - 1)) < 1e-6)
    }

    @Test("a lander QDHF run fills its archive with policies and reports ground-truth metrics", arguments: [MeasureMethod.qdhf, .groundTruth])
    func landerRun(method: MeasureMethod) throws {
        let (experiment, _) = try exportedRun(domain: LanderStyles(), method: method, seed: 2)
        #expect(experiment.archive.eliteCount > 5)
        #expect(experiment.metrics["qd/all_coverage"]! > 0)
    }

    @Test("export → import → identical elites; replay reproduces objective and measures", arguments: [MeasureMethod.qdhf, .auroraPCA, .auroraAE, .groundTruth])
    func roundTrip(method: MeasureMethod) throws {
        let (experiment, directory) = try exportedRun(domain: ArmDomain(), method: method, seed: 3)
        let loaded = try ArchiveBundle.load(from: directory)
        #expect(loaded.manifest.elites.count == experiment.archive.eliteCount)
        #expect(loaded.manifest.elites.map(\.objective) == loaded.manifest.elites.map(\.objective).sorted(by: >))
        let (merged, solutions) = try ArchiveBundle.merge([loaded])
        #expect(merged == loaded.manifest)
        #expect(solutions == loaded.solutions)
        let copy = try temporaryDirectory()
        try merged.write(solutions: solutions, measureModelFile: merged.measureModel.file.map { directory.appendingPathComponent($0) }, to: copy)
        #expect(try Data(contentsOf: copy.appendingPathComponent("manifest.json")) == Data(contentsOf: directory.appendingPathComponent("manifest.json")))
        #expect(try Data(contentsOf: copy.appendingPathComponent("policies.safetensors")) == Data(contentsOf: directory.appendingPathComponent("policies.safetensors")))
        let replays = try loaded.replay()
        let failure = replays.first { !$0.matched }?.mismatches ?? []
        #expect(failure.isEmpty, "\(failure)")
        let rebuilt = loaded.makeArchive()
        #expect(rebuilt.eliteCount == experiment.archive.eliteCount && abs(rebuilt.qdScore - experiment.archive.qdScore) < 1e-9)
    }

    @Test("pictures: heatmap, contact sheet and clips of the top elites")
    func pictures() throws {
        let (_, directory) = try exportedRun(domain: ArmDomain(), method: .groundTruth, seed: 4)
        let loaded = try ArchiveBundle.load(from: directory)
        try loaded.writePictures(top: 4, clips: 2, clipSize: RenderSize(width: 64, height: 64))
        for file in ["heatmap.png", "contact_sheet.png", "clips/elite_0.gif", "clips/elite_1.gif"] {
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path), "\(file)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("clips/elite_2.gif").path))
    }

    @Test("a corrupt or inconsistent bundle is refused with a message that says what is wrong")
    func corruptBundles() throws {
        let (_, directory) = try exportedRun(domain: ArmDomain(), method: .qdhf, seed: 5)
        let manifestURL = directory.appendingPathComponent("manifest.json")
        let good = try Data(contentsOf: manifestURL)
        try Data("{".utf8).write(to: manifestURL)
        #expect(throws: BundleError.self) { try ArchiveBundle.load(from: directory) }
        var manifest = try JSONDecoder().decode(ArchiveBundle.self, from: good)
        manifest.solutionSize += 1
        try JSONEncoder().encode(manifest).write(to: manifestURL)
        do { _ = try ArchiveBundle.load(from: directory); Issue.record("a wrong width was accepted") } catch let error as BundleError {
            #expect(error.description.contains("solution_size is 11, but a policy of the arm domain has 10 parameters"), "\(error)")
        }
        manifest.solutionSize -= 1
        manifest.format = 99
        try JSONEncoder().encode(manifest).write(to: manifestURL)
        #expect(throws: BundleError.newerFormat(found: 99, supported: 1)) { try ArchiveBundle.load(from: directory) }
        try good.write(to: manifestURL)
        try FileManager.default.removeItem(at: directory.appendingPathComponent("measures.safetensors"))
        #expect(throws: BundleError.missingFile("measures.safetensors")) { try ArchiveBundle.load(from: directory) }
        // Learned measures of two runs are not comparable, so their archives do not merge.
        let (_, other) = try exportedRun(domain: ArmDomain(), method: .qdhf, seed: 6)
        let (_, third) = try exportedRun(domain: ArmDomain(), method: .qdhf, seed: 7)
        #expect(throws: BundleError.self) { try ArchiveBundle.merge([try ArchiveBundle.load(from: other), try ArchiveBundle.load(from: third)]) }
    }

    @Test("ground-truth archives of two runs merge, keeping the best elite per cell")
    func mergeGroundTruth() throws {
        let (a, first) = try exportedRun(domain: ArmDomain(), method: .groundTruth, seed: 8)
        let (b, second) = try exportedRun(domain: ArmDomain(), method: .groundTruth, seed: 9)
        let (merged, solutions) = try ArchiveBundle.merge([try ArchiveBundle.load(from: first), try ArchiveBundle.load(from: second)])
        let cells = Set(a.archive.elites.map(\.cell)).union(b.archive.elites.map(\.cell))
        #expect(merged.elites.count == cells.count && solutions.count == cells.count)
        for entry in merged.elites {
            let best = [a.archive.elite(at: entry.cell)?.objective, b.archive.elite(at: entry.cell)?.objective].compactMap { $0 }.max()
            #expect(entry.objective == best)
        }
    }
}

@Suite("AURORA autoencoder")
struct FeatureAutoencoderTests {
    @Test("training lowers the reconstruction error of features that lie on a 2-d surface")
    func learnsTwoDimensionalFeatures() {
        var generator = SeededGenerator(seed: 11)
        let features: [[Float]] = (0..<200).map { _ in
            let a = Float(generator.uniform(-1, 1)), b = Float(generator.uniform(-1, 1))
            return [a, b, 0.5 * a + 0.5 * b, a * b, -a, 0.3 * b]
        }
        var configuration = FeatureAutoencoder.Configuration(featureSize: 6)
        configuration.epochs = 60
        let model = FeatureAutoencoder(configuration, seed: 12)
        let before = model.reconstructionError(features)
        let after = model.fit(features, seed: 13)
        #expect(after < before * 0.2, "reconstruction error \(before) → \(after)")
        #expect(model.measures(features).allSatisfy { $0.count == 2 && $0.allSatisfy(\.isFinite) })
    }
}
