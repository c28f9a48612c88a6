import Foundation
import QDHF

extension FuzzEntry {
    /// Largest archive (cells × parameters per solution) the bundle entry point builds per input, so that
    /// the fuzzer spends its time parsing rather than filling memory; bigger manifests are still decoded
    /// and checked.
    static let largestArchiveBuilt = 1 << 20

    /// Decodes and checks an archive bundle's `manifest.json` as `ArchiveBundle.load` does, then, with a
    /// zero row of parameters per elite in place of `policies.safetensors`, makes the archive of its
    /// elites as `sandbox archive show` does.
    public static func bundleManifest(_ data: Data) throws {
        let manifest = try ArchiveBundle.decodeManifest(data)
        let cells = manifest.archive.dimensions.reduce(1, *)  // bounded by decodeManifest
        let solutionSize = manifest.solutionSize
        guard cells * Swift.max(solutionSize, 1) <= largestArchiveBuilt,
              manifest.elites.count * solutionSize <= largestArchiveBuilt else { return }
        let solutions = Array(repeating: [Float](repeating: 0, count: solutionSize), count: manifest.elites.count)
        let bundle = LoadedBundle(manifest: manifest, solutions: solutions, directory: URL(fileURLWithPath: "bundle"))
        let archive = bundle.makeArchive()
        _ = (archive.qdScore, archive.coverage)
    }
}
