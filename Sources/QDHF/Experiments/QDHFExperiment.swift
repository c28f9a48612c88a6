import Foundation
import SandboxCore
import Rendering
import PhysicsEnvs

/// How the measures of a run are obtained.
public enum MeasureMethod: String, Codable, Sendable, CaseIterable {
    /// QDHF: a projection fitted to similarity judgments, refitted progressively.
    case qdhf
    /// QDHF-Base: one fit on the whole judgment budget, with random solutions only.
    case qdhfBase = "qdhf-base"
    /// AURORA with PCA of the same features, refitted on QDHF's schedule.
    case auroraPCA = "aurora-pca"
    /// AURORA with an autoencoder on the same features, refitted on QDHF's schedule.
    case auroraAE = "aurora-ae"
    /// Ground-truth measures.
    case groundTruth = "gt"
}

/// A QDHF run on a domain (the robotic arm, lander styles): MAP-Elites over learned (or ground-truth)
/// measures, with metrics computed in a ground-truth grid. Judgments come from a simulated judge that
/// compares squared distances of the ground-truth measures, or from people (`judge`).
public final class QDHFExperiment {
    public struct Configuration: Codable, Sendable {
        public var method: MeasureMethod = .qdhf
        public var iterations = 1000
        public var batchSize = 100
        public var judgments = 1000
        public var gridSize = 50
        public var sigma: Float = 0.1
        /// nil: the domain's preferred emitter (iso-line for the maze, Gaussian otherwise).
        public var emitter: EmitterKind?
        public init() {}
    }

    public let configuration: Configuration
    public let domain: any QDDomain
    public let archive: GridArchive
    /// Every solution ever evaluated, binned by ground-truth measures (the "all solutions" metrics).
    public let allSolutions: GridArchive
    public private(set) var projection: DescriptorProjection?
    public private(set) var pca: PrincipalComponents?
    public private(set) var autoencoder: FeatureAutoencoder?
    public private(set) var triplets: [Triplet] = []
    public private(set) var iteration = 0
    public private(set) var validationAccuracy = Double.nan
    /// Who judges similarity: QDHF's simulated judge unless set (e.g. people through a label store).
    public var judge: any TripletJudge
    /// Evaluates a batch of new solutions, in order, instead of this process's cores (e.g. spread over
    /// MPI ranks); it must give exactly what `domain.evaluate` gives for each.
    public var batchEvaluator: (([[Float]]) throws -> [QDEvaluation])?
    private let scheduler: Scheduler
    private var generator: SeededGenerator
    /// Evaluations of the solutions the run still needs (elites, judged solutions), by solution.
    private var evaluations: [[Float]: QDEvaluation] = [:]

    public init(domain: any QDDomain, configuration: Configuration, seed: UInt64) {
        self.configuration = configuration
        self.domain = domain
        judge = SimulatedJudge()
        generator = SeededGenerator(seed: seed)
        let grid = [configuration.gridSize, configuration.gridSize]
        archive = GridArchive(solutionSize: domain.solutionSize, dimensions: grid, ranges: domain.groundTruthRanges)
        allSolutions = GridArchive(solutionSize: domain.solutionSize, dimensions: grid, ranges: domain.groundTruthRanges)
        let settings = EmitterSettings(batchSize: configuration.batchSize, initialSolution: domain.initialSolution, bounds: domain.solutionBounds)
        let emitter: any Emitter
        switch configuration.emitter ?? domain.preferredEmitter {
        case .gaussian: emitter = GaussianEmitter(archive: archive, sigma: configuration.sigma, settings: settings, seed: SeedStream.emitter.seed(from: seed))
        case .isoLine: emitter = IsoLineEmitter(archive: archive, isoSigma: configuration.sigma / 10, lineSigma: 0.2, settings: settings, seed: SeedStream.emitter.seed(from: seed))
        }
        scheduler = Scheduler(archive: archive, emitters: [emitter])
        if configuration.method == .qdhf || configuration.method == .qdhfBase {
            projection = DescriptorProjection(.init(featureSize: domain.featureSize), seed: SeedStream.measureModel.seed(from: seed))
        }
    }

    /// The evaluation of `solution` (cached while the solution may be needed again).
    public func evaluation(_ solution: [Float]) throws -> QDEvaluation {
        if let known = evaluations[solution] { return known }
        let result = try domain.evaluate(solution)
        evaluations[solution] = result
        return result
    }

    /// Evaluations of many solutions, the new ones in parallel across cores (or by `batchEvaluator`).
    func evaluations(_ solutions: [[Float]]) throws -> [QDEvaluation] {
        // The new ones in first-seen order (not a Set's, which differs between processes), so that
        // every process of a distributed run splits the same list the same way.
        var seen = Set<[Float]>(), missing: [[Float]] = []
        for solution in solutions where evaluations[solution] == nil && seen.insert(solution).inserted { missing.append(solution) }
        if let batchEvaluator {
            for (solution, result) in zip(missing, try batchEvaluator(missing)) { evaluations[solution] = result }
        } else {
            let results = evaluateInParallel(missing) { solution in Result { try self.domain.evaluate(solution) } }
            for (solution, result) in zip(missing, results) { evaluations[solution] = try result.get() }
        }
        return solutions.map { evaluations[$0]! }
    }

    /// Iterations (0-based) at which the measures are (re)fitted: QDHF's 1, 10%, 25% and 50% of the run.
    public var fitIterations: [Int] {
        switch configuration.method {
        case .groundTruth: return []
        case .qdhfBase: return [0]
        case .qdhf, .auroraPCA, .auroraAE:
            let n = configuration.iterations
            return Array(Set([0, n / 10, n / 4, n / 2])).sorted()
        }
    }

    /// The measures the archive uses for evaluated solutions.
    public func measures(_ evaluated: [QDEvaluation]) -> [[Double]] {
        switch configuration.method {
        case .groundTruth: return evaluated.map(\.groundTruth)
        case .qdhf, .qdhfBase: return projection!.measures(evaluated.map(\.features))
        case .auroraPCA: return pca!.project(evaluated.map(\.features))
        case .auroraAE: return autoencoder!.measures(evaluated.map(\.features))
        }
    }

    private func randomSolution() -> [Float] { domain.randomSolution(using: &generator) }

    /// Refits the measures (drawing this round's judgments) and rebuilds the archive under them.
    func refit(round: Int) throws {
        let rounds = fitIterations.count
        let budget = configuration.method == .qdhfBase ? configuration.judgments : configuration.judgments / rounds
        let elites = archive.elites.map(\.solution)
        func pool() -> [Float] { round == 0 || elites.count < 3 ? randomSolution() : elites[generator.integer(0, elites.count)] }
        switch configuration.method {
        case .qdhf, .qdhfBase:
            let triples = (0..<budget).map { _ in (reference: pool(), first: pool(), second: pool()) }
            _ = try evaluations(triples.flatMap { [$0.reference, $0.first, $0.second] })
            for (t, verdict) in zip(triples, try judge.judge(triples, experiment: self)) {
                guard let verdict else { continue }
                triplets.append(Triplet(reference: try evaluation(t.reference).features, first: try evaluation(t.first).features,
                                        second: try evaluation(t.second).features, firstIsCloser: verdict))
            }
            guard triplets.count >= 2 else { throw QDHFError.tooFewJudgments(triplets.count) }
            projection!.reinitialize(seed: generator.next())
            validationAccuracy = projection!.fit(triplets, seed: generator.next())
        case .auroraPCA:
            let sample = try evaluations((0..<Swift.max(budget, 50)).map { _ in pool() }).map(\.features)
            pca = PrincipalComponents(sample, components: 2)
        case .auroraAE:
            let sample = try evaluations((0..<Swift.max(budget, 50)).map { _ in pool() }).map(\.features)
            let model = FeatureAutoencoder(.init(featureSize: domain.featureSize), seed: generator.next())
            model.fit(sample, seed: generator.next())
            autoencoder = model
        case .groundTruth:
            return
        }
        // Rebuild: bounds from the elites' new descriptors, then every elite re-inserted (clipped to edges).
        let eliteEvaluations = try evaluations(elites)
        let new = measures(eliteEvaluations)
        let lows = (0..<2).map { d in new.map { $0[d] }.min() ?? -1 }, highs = (0..<2).map { d in new.map { $0[d] }.max() ?? 1 }
        if elites.count >= 2 {
            archive.setBounds((0..<2).map { d in lows[d]...(highs[d] > lows[d] ? highs[d] : lows[d] + 1) })
        } else {
            // Before any elite: bounds from random solutions' descriptors.
            let sample = measures(try evaluations((0..<200).map { _ in randomSolution() }))
            archive.setBounds((0..<2).map { d in
                let l = sample.map { $0[d] }.min()!, h = sample.map { $0[d] }.max()!
                return l...(h > l ? h : l + 1)
            })
        }
        archive.add(solutions: elites, objectives: eliteEvaluations.map(\.objective), measures: new)
        forgetEvaluations()
    }

    /// Keeps only the elites' evaluations (the cache would otherwise grow with every candidate).
    private func forgetEvaluations() {
        let keep = Set(archive.elites.map(\.solution))
        evaluations = evaluations.filter { keep.contains($0.key) }
    }

    /// One MAP-Elites iteration (with a refit first when one is due).
    public func step() throws {
        if let round = fitIterations.firstIndex(of: iteration) { try refit(round: round) }
        let candidates = scheduler.ask()
        let evaluated = try evaluations(candidates)
        scheduler.tell(objectives: evaluated.map(\.objective), measures: measures(evaluated), solutions: candidates)
        allSolutions.add(solutions: candidates, objectives: evaluated.map(\.objective), measures: evaluated.map(\.groundTruth))
        iteration += 1
        if evaluations.count > 20 * Swift.max(archive.eliteCount, 100) { forgetEvaluations() }
    }

    /// The final archive's elites re-binned in a ground-truth grid.
    public func groundTruthArchive() -> GridArchive {
        let grid = GridArchive(solutionSize: domain.solutionSize, dimensions: [configuration.gridSize, configuration.gridSize],
                               ranges: domain.groundTruthRanges)
        for elite in archive.elites {
            // Elites were evaluated when added; their evaluations are kept.
            guard let e = evaluations[elite.solution] ?? (try? domain.evaluate(elite.solution)) else { continue }
            grid.add(solution: elite.solution, objective: e.objective, measures: e.groundTruth)
        }
        return grid
    }

    public var metrics: [String: Double] {
        let gt = groundTruthArchive()
        return [
            "iteration": Double(iteration),
            "qd/archive_qd_score": gt.qdScore, "qd/archive_coverage": gt.coverage,
            "qd/all_qd_score": allSolutions.qdScore, "qd/all_coverage": allSolutions.coverage,
            "qd/learned_archive_coverage": archive.coverage,
            "qdhf/judgments": Double(triplets.count), "qdhf/validation_accuracy": validationAccuracy,
        ]
    }
}

public enum QDHFError: Error, CustomStringConvertible {
    case tooFewJudgments(Int)
    public var description: String {
        switch self {
        case .tooFewJudgments(let n):
            return "only \(n) usable judgments so far (skipped and equal ones are dropped); answer more triplets or raise --judgments"
        }
    }
}

/// Principal components of feature vectors (power iteration with deflation on the covariance).
public struct PrincipalComponents: Sendable {
    public let mean: [Double]
    public let components: [[Double]]

    public init(_ samples: [[Float]], components count: Int) {
        let d = samples[0].count, n = Double(samples.count)
        let mean = (0..<d).map { i in samples.reduce(0) { $0 + Double($1[i]) } / n }
        self.mean = mean
        var covariance = Array(repeating: Array(repeating: 0.0, count: d), count: d)
        for s in samples {
            let c = (0..<d).map { Double(s[$0]) - mean[$0] }
            for i in 0..<d { for j in 0..<d { covariance[i][j] += c[i] * c[j] / n } }
        }
        var found: [[Double]] = []
        for k in 0..<count {
            var v = (0..<d).map { Double(($0 + k) % d == 0 ? 1 : 0.1) }
            for _ in 0..<200 {
                var w = (0..<d).map { i in (0..<d).reduce(0) { $0 + covariance[i][$1] * v[$1] } }
                for u in found {  // deflate
                    let dot = zip(w, u).map(*).reduce(0, +)
                    w = zip(w, u).map { $0 - dot * $1 }
                }
                let norm = w.map { $0 * $0 }.reduce(0, +).squareRoot()
                if norm < 1e-12 { break }
                v = w.map { $0 / norm }
            }
            found.append(v)
        }
        components = found
    }

    public func project(_ samples: [[Float]]) -> [[Double]] {
        samples.map { s in components.map { u in (0..<u.count).reduce(0) { $0 + (Double(s[$1]) - mean[$1]) * u[$1] } } }
    }
}
