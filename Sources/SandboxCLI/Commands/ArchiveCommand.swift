import Foundation
import SandboxCore
import Rendering
import PhysicsEnvs
import QDHF

enum ArchiveCommand {
    static let help = """
    usage: sandbox archive export --run QDHF_DIR --out BUNDLE [--top K] [--clips N]
           sandbox archive show BUNDLE [--top K]
           sandbox archive replay BUNDLE [--elite I] [--clip FILE.gif|mp4]
           sandbox archive import BUNDLE... --out BUNDLE

    export  writes a self-contained policy archive from a `sandbox qdhf` run: manifest.json,
            policies.safetensors, measures.safetensors, heatmap.png, contact_sheet.png (last frames of
            K elites spread over the archive, default 12) and clips/elite_<i>.gif for the top N (default 5)
    show    checks a bundle and lists its top elites: objective, measures, ground truth, return
    replay  re-runs elites (all, or --elite I) and checks that each reproduces its recorded objective and
            measures; exit status 1 if one does not. --clip writes the elite's episode
    import  loads bundles back into an archive (several ground-truth-measure bundles of one domain merge,
            best elite per cell) and writes it as a new bundle
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard let action = arguments.positional.first else { throw UsageError("archive needs export, show, replay or import") }
        switch action {
        case "export":
            guard let runPath = arguments.string("run") else { throw UsageError("archive export needs --run QDHF_DIR (a folder written by sandbox qdhf)") }
            guard let out = arguments.string("out") else { throw UsageError("archive export needs --out BUNDLE") }
            let top = try arguments.int("top", default: 12, minimum: 1, maximum: 10_000)!
            let clips = try arguments.int("clips", default: 5, minimum: 0, maximum: 1000)!
            try arguments.checkAllUsed()
            let source = URL(fileURLWithPath: runPath).appendingPathComponent("archive")
            guard source.standardizedFileURL.path != URL(fileURLWithPath: out).standardizedFileURL.path else {
                throw UsageError("--out is the run's own archive folder; export to another folder, e.g. --out bundle")
            }
            guard FileManager.default.fileExists(atPath: source.appendingPathComponent("manifest.json").path) else {
                throw UsageError("\(runPath) has no archive/manifest.json; pass a folder written by `sandbox qdhf --out DIR`")
            }
            let loaded = try ArchiveBundle.load(from: source)
            let target = URL(fileURLWithPath: out)
            try loaded.manifest.write(solutions: loaded.solutions, measureModelFile: loaded.manifest.measureModel.file.map { source.appendingPathComponent($0) }, to: target)
            let bundle = try ArchiveBundle.load(from: target)
            print("rendering the episodes of \(Swift.min(top, bundle.manifest.elites.count)) elites spread over the archive…")
            fflush(stdout)
            try bundle.writePictures(top: top, clips: clips)
            print("exported \(bundle.manifest.elites.count) elites of \(bundle.manifest.domain) (\(bundle.manifest.task)) to \(target.path)")
            return 0
        case "show":
            guard arguments.positional.count == 2 else { throw UsageError("archive show needs a bundle folder") }
            let top = try arguments.int("top", default: 10, minimum: 1, maximum: 1_000_000)!
            try arguments.checkAllUsed()
            let bundle = try ArchiveBundle.load(from: URL(fileURLWithPath: arguments.positional[1]))
            let m = bundle.manifest
            let archive = bundle.makeArchive()
            print("\(arguments.positional[1]): \(m.domain) archive of \(m.task), \(m.elites.count) elites in a \(m.archive.dimensions.map(String.init).joined(separator: "×")) grid")
            print("measures: \(m.measureModel.method) over \(m.measureModel.features) (\(m.measureModel.featureSize) values)")
            print("policy: \(m.policyLayout)")
            print(String(format: "QD score %.2f, coverage %.3f (in the archive's own measures)", archive.qdScore, archive.coverage))
            print("elite  cell   objective  measures              ground truth          return")
            for e in m.elites.prefix(top) {
                func pair(_ v: [Double]) -> String { "(" + v.map { String(format: "%.3f", $0) }.joined(separator: ", ") + ")" }
                print(String(format: "%5d  %5d  %9.3f  ", e.index, e.cell, e.objective) + pair(e.measures).padding(toLength: 22, withPad: " ", startingAt: 0)
                      + pair(e.groundTruth).padding(toLength: 22, withPad: " ", startingAt: 0) + (e.episodeReturn.map { String(format: "%.1f", $0) } ?? "–"))
            }
            return 0
        case "replay":
            guard arguments.positional.count == 2 else { throw UsageError("archive replay needs a bundle folder") }
            let elite = try arguments.int("elite", minimum: 0)
            let clip = arguments.string("clip")
            try arguments.checkAllUsed()
            let clipFormat = try clip.map { path -> ClipFormat in
                guard elite != nil else { throw UsageError("--clip needs --elite I (which elite to show)") }
                let format = try PictureOutputs.clipFormat(path)
                try prepareOutput(path)
                return format
            }
            let bundle = try ArchiveBundle.load(from: URL(fileURLWithPath: arguments.positional[1]))
            let results = try bundle.replay(elite.map { [$0] })
            for r in results where !r.matched || elite != nil {
                print("elite \(r.index): " + (r.matched ? String(format: "matched (objective %.4f)", r.objective) : "MISMATCH: " + r.mismatches.joined(separator: "; ")))
            }
            let failed = results.filter { !$0.matched }.count
            print("\(results.count - failed) of \(results.count) elites reproduced their recorded objective and measures")
            if let clip, let clipFormat, let index = elite {
                let domain = try bundle.makeDomain()
                let spec = try SandboxCLI.tasks.spec(for: bundle.manifest.task)
                let episode = try Rollout.run(try SandboxCLI.tasks.make(spec.id), controller: domain.controller(for: bundle.solutions[index]),
                                              seed: bundle.manifest.elites[index].seed, renderSize: try RenderSize(width: spec.renderWidth, height: spec.renderHeight))
                try clipFormat.write(episode.frames, to: clip, framesPerSecond: spec.framesPerSecond)
                print("clip \(clip)")
            }
            return failed == 0 ? 0 : 1
        case "import":
            guard arguments.positional.count >= 2 else { throw UsageError("archive import needs one or more bundle folders and --out BUNDLE") }
            guard let out = arguments.string("out") else { throw UsageError("archive import needs --out BUNDLE") }
            try arguments.checkAllUsed()
            let bundles = try arguments.positional.dropFirst().map { try ArchiveBundle.load(from: URL(fileURLWithPath: $0)) }
            let (manifest, solutions) = try ArchiveBundle.merge(bundles)
            let first = bundles[0]
            try manifest.write(solutions: solutions, measureModelFile: manifest.measureModel.file.map { first.directory.appendingPathComponent($0) },
                               to: URL(fileURLWithPath: out))
            print("imported \(bundles.map(\.manifest.elites.count).reduce(0, +)) elites from \(bundles.count) bundle(s); \(manifest.elites.count) in \(out)")
            return 0
        default:
            throw UsageError("unknown archive action '\(action)'; use export, show, replay or import")
        }
    }
}
