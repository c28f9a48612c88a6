import Foundation
import SandboxCore
import Rendering
import PhysicsEnvs
import Labelling
import QDHF
import RewardLearning

enum QDHFCommand {
    static let help = """
    usage: sandbox qdhf --domain arm|maze|lander --method qdhf|qdhf-base|aurora-pca|aurora-ae|gt [--judgments N] [--iterations N]
                        [--batch N] [--grid N] [--seed S] [--judge simulated|human [--store FILE.db]] --out DIR
           mpirun -np N sandbox-mpi qdhf --distributed ... --out DIR

    Quality diversity through human feedback (Ding et al. 2024): MAP-Elites over measures learned from
    "which of these two is more like this one" judgments (qdhf: refitted at 1, 10, 25 and 50% of the run;
    qdhf-base: one fit; aurora-pca / aurora-ae: PCA or an autoencoder of the same features, on QDHF's
    schedule; gt: the true measures). Metrics are computed
    in a ground-truth grid, for the final archive and for every solution evaluated. Writes metrics.jsonl,
    summary.json, heatmaps, and the archive as a bundle in DIR/archive (see `sandbox archive`).

    domains
      arm     the 10-joint planar arm (paper setting: 50×50 grid, σ 0.1, batch 100, 1,000 iterations,
              1,000 judgments); ground truth: end-effector position
      maze    MLP policies (8 → 8 → 2) for the robot of MazeNavigation-v1, iso-line emitter; ground truth:
              the final position. Defaults: 20×20 grid, batch 50, 200 iterations, 200 judgments
      lander  landing styles: linear-tanh policies for LunarLanderContinuous-v1 (18 parameters) judged by
              their trajectories; ground truth: where the lander ends and how long it flies. Defaults:
              20×20 grid, batch 50, 200 iterations, 400 judgments

    --judge human   people judge instead of the simulated judge: at each refit the run writes that
                    round's triplet queries (clips of each solution's episode: PlanarArm-v1 or the
                    lander) to the label store (--store, default DIR/labels.db) and waits until they
                    are answered, e.g. with `sandbox label --store DIR/labels.db` in another terminal.
                    --judgments defaults to 100 (25 per refit). Skipped and equal answers are dropped.
    --distributed   (under MPI, with sandbox-mpi) evaluates each batch of candidates across the ranks and
                    gathers them to every rank in order: the archive, metrics and bundle rank 0 writes are
                    byte-identical to a one-process run with the same seed.
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        let domainName = arguments.string("domain") ?? "arm"
        guard let domain = QDDomains.make(domainName) else {
            throw UsageError("unknown domain '\(domainName)'; use --domain \(QDDomains.names.joined(separator: " or "))")
        }
        guard let methodText = arguments.string("method"), let method = MeasureMethod(rawValue: methodText) else {
            throw UsageError("qdhf needs --method qdhf, qdhf-base, aurora-pca, aurora-ae or gt")
        }
        let judge = arguments.string("judge") ?? "simulated"
        guard judge == "simulated" || judge == "human" else { throw UsageError("--judge takes simulated or human, not '\(judge)'") }
        guard let out = arguments.string("out") else { throw UsageError("qdhf needs --out DIR") }
        let storePath = arguments.string("store") ?? URL(fileURLWithPath: out).appendingPathComponent("labels.db").path
        if judge == "human" && ![MeasureMethod.qdhf, .qdhfBase].contains(method) {
            throw UsageError("--method \(method.rawValue) uses no judgments; --judge human needs --method qdhf or qdhf-base")
        }
        let defaults = domain.runDefaults
        var configuration = QDHFExperiment.Configuration()
        configuration.method = method
        configuration.judgments = try arguments.int("judgments", default: judge == "human" ? defaults.humanJudgments : defaults.judgments, minimum: 1, maximum: 1_000_000)!
        configuration.iterations = try arguments.int("iterations", default: defaults.iterations, minimum: 1, maximum: 10_000_000)!
        configuration.batchSize = try arguments.int("batch", default: defaults.batchSize, minimum: 1, maximum: 100_000)!
        // The archive holds gridSize^measures cells; keep it within what a bundle may describe.
        let measureCount = domain.groundTruthRanges.count
        let largestGrid = Int(pow(Double(ArchiveBundle.maximumCells), 1 / Double(measureCount)).rounded(.down))
        configuration.gridSize = try arguments.int("grid", default: defaults.gridSize, minimum: 1, maximum: largestGrid)!
        let seed = try arguments.seed()
        let distributed = arguments.flag("distributed")
        try arguments.checkAllUsed()
        if distributed && SandboxCLI.ranks == nil { throw UsageError(DistributedError.notUnderMPI.description) }
        if distributed && judge == "human" { throw UsageError("--distributed spreads a simulated run's evaluations; people judge one run at a time (drop --distributed)") }

        let directory = URL(fileURLWithPath: out)
        try prepareOutput(directory.appendingPathComponent("metrics.jsonl").path)
        let experiment = QDHFExperiment(domain: domain, configuration: configuration, seed: seed)
        if distributed, let ranks = SandboxCLI.ranks {
            experiment.batchEvaluator = { try ranks.evaluate($0, with: domain) }
        }
        if judge == "human" {
            try prepareOutput(storePath)
            let store = try LabelStore(path: storePath)
            experiment.judge = StoreTripletJudge(store: store, shouldStop: { interruptRequested != 0 }, report: { print($0); fflush(stdout) })
            print("people judge similarity: triplet queries go to \(storePath); answer them with `sandbox label --store \(storePath)`")
            fflush(stdout)
            signal(SIGINT) { _ in interruptRequested = 1; signal(SIGINT, SIG_DFL) }
        }
        let log: MetricsLog
        do { log = try MetricsLog(file: directory.appendingPathComponent("metrics.jsonl"), truncating: true) } catch let error as FileWriteError {
            throw UsageError(error.description)
        }
        let progress = ProgressBar("qdhf \(domain.name) \(method.rawValue)", total: configuration.iterations)
        while experiment.iteration < configuration.iterations {
            try experiment.step()
            if experiment.iteration % 10 == 0 || experiment.iteration == configuration.iterations {
                let m = experiment.metrics
                try log.append(m)
                progress.status = String(format: "QD %.2f coverage %.3f", m["qd/archive_qd_score"]!, m["qd/archive_coverage"]!)
            }
            progress.advance()
        }
        progress.finish()
        let metrics = experiment.metrics
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeAtomically(try encoder.encode(metrics.filter { $0.value.isFinite }), to: directory.appendingPathComponent("summary.json"))
        try experiment.groundTruthArchive().heatmap(title: "\(method.rawValue): final archive in the ground-truth grid",
                                                    measureNames: domain.measureNames, scaleName: domain.objectiveName)
            .writePNG(to: directory.appendingPathComponent("heatmap_ground_truth.png").path)
        try experiment.archive.heatmap(title: "\(method.rawValue): archive over its own measures",
                                       measureNames: domain.measureNames(for: method), scaleName: domain.objectiveName)
            .writePNG(to: directory.appendingPathComponent("heatmap_archive.png").path)
        let bundleURL = directory.appendingPathComponent("archive")
        try FileManager.default.createDirectory(at: bundleURL, withIntermediateDirectories: true)
        let modelURL = bundleURL.appendingPathComponent("measures.safetensors")
        try experiment.saveMeasureModel(to: modelURL)
        let (manifest, solutions) = try experiment.bundle()
        try manifest.write(solutions: solutions, measureModelFile: nil, to: bundleURL)
        let accuracy = metrics["qdhf/validation_accuracy"]!
        let judgments = accuracy.isFinite
            ? String(format: "judgments %d, validation accuracy %.3f", Int(metrics["qdhf/judgments"]!), accuracy)
            : "no similarity judgments (\(method.rawValue) measures need none)"
        print(String(format: "%@ on %@: archive QD score %.2f coverage %.3f; all solutions QD score %.2f coverage %.3f; ",
                     method.rawValue, domain.name, metrics["qd/archive_qd_score"]!, metrics["qd/archive_coverage"]!, metrics["qd/all_qd_score"]!,
                     metrics["qd/all_coverage"]!) + judgments)
        print("results \(directory.path); archive of \(manifest.elites.count) elites in \(bundleURL.path) (sandbox archive export --run \(directory.path) --out BUNDLE)")
        return 0
    }
}
