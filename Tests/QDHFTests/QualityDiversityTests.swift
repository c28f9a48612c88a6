import Foundation
import Testing
import TestSupport
import SandboxCore
import PhysicsEnvs
@testable import QDHF

@Suite("Quality-diversity core")
struct QualityDiversityTests {
    @Test("grid insertion: new, improved, not added; bounds and clipping to edge cells")
    func gridInsertion() {
        let archive = GridArchive(solutionSize: 2, dimensions: [10, 5], ranges: [0...1, -1...1])
        #expect(archive.cellCount == 50)
        #expect(archive.add(solution: [1, 1], objective: 5, measures: [0.05, 0.9]).status == .new)
        #expect(archive.add(solution: [2, 2], objective: 4, measures: [0.06, 0.95]).status == .notAdded)
        let improved = archive.add(solution: [3, 3], objective: 7, measures: [0.01, 0.81])
        #expect(improved.status == .improved && improved.improvement == 2)
        #expect(archive.elite(at: archive.cell(for: [0, 1]))?.solution == [3, 3])
        #expect(archive.bins(for: [0.999, -1]) == [9, 0])
        // Out of range and non-finite values clip to edge cells.
        #expect(archive.bins(for: [5, -7]) == [9, 0])
        #expect(archive.bins(for: [-1, .infinity]) == [0, 4])
        #expect(archive.add(solution: [0, 0], objective: .nan, measures: [0.5, 0]).status == .notAdded)
        #expect(archive.elites.count == 1 && abs(archive.coverage - 0.02) < 1e-12 && abs(archive.qdScore - 7.0 / 50) < 1e-12)
        archive.setBounds([0...2, -2...2])
        #expect(archive.elites.isEmpty)
        let batch = archive.add(solutions: [[0, 0], [1, 1]], objectives: [1, 2], measures: [[0.1, 0], [1.9, 1.9]])
        #expect(batch.map(\.status) == [.new, .new])
    }

    @Test("CVT cells are the nearest centroid's")
    func cvtLookup() {
        var g = SeededGenerator(seed: 1)
        let archive = CVTArchive(solutionSize: 1, cells: 16, ranges: [0...1, 0...1], samples: 2000, using: &g)
        #expect(archive.centroids.count == 16)
        for c in 0..<16 { #expect(archive.cell(for: archive.centroids[c]) == c) }
        var h = SeededGenerator(seed: 2)
        for _ in 0..<100 {
            let p = [Double.random(in: 0...1, using: &h), Double.random(in: 0...1, using: &h)]
            let cell = archive.cell(for: p)
            let distances = archive.centroids.map { zip($0, p).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) }
            #expect(distances[cell] == distances.min())
        }
    }

    @Test("emitters are deterministic with a seed and respect bounds")
    func emitterDeterminism() {
        func run(seed: UInt64) -> [[Float]] {
            let arm = RoboticArm()
            let archive = GridArchive(solutionSize: 10, dimensions: [20, 20], ranges: arm.measureRanges)
            let settings = EmitterSettings(batchSize: 8, initialSolution: Array(repeating: 0, count: 10), bounds: arm.solutionBounds)
            let scheduler = Scheduler(archive: archive, emitters: [
                GaussianEmitter(archive: archive, sigma: 0.5, settings: settings, seed: seed),
                IsoLineEmitter(archive: archive, settings: settings, seed: seed + 1),
            ])
            var asked: [[Float]] = []
            for _ in 0..<5 {
                let candidates = scheduler.ask()
                scheduler.tell(objectives: candidates.map(arm.objective), measures: candidates.map(arm.endEffector), solutions: candidates)
                asked += candidates
            }
            return asked
        }
        let a = run(seed: 3), b = run(seed: 3), c = run(seed: 4)
        #expect(a == b)
        #expect(a != c)
        #expect(a.allSatisfy { $0.allSatisfy { abs($0) <= Float.pi } })
    }

    @Test("MAP-Elites with ground-truth measures fills the arm's grid and evaluates in parallel")
    func mapElitesArm() {
        let arm = RoboticArm()
        let archive = GridArchive(solutionSize: 10, dimensions: [20, 20], ranges: arm.measureRanges)
        let settings = EmitterSettings(batchSize: 36, initialSolution: Array(repeating: 0, count: 10), bounds: arm.solutionBounds)
        let scheduler = Scheduler(archive: archive, emitters: [GaussianEmitter(archive: archive, sigma: 0.2, settings: settings, seed: 5)])
        var coverage: [Double] = []
        for iteration in 0..<150 {
            let candidates = scheduler.ask()
            let evaluated = evaluateInParallel(candidates) { (arm.objective($0), arm.endEffector($0)) }
            scheduler.tell(objectives: evaluated.map(\.0), measures: evaluated.map(\.1), solutions: candidates)
            if iteration % 50 == 49 { coverage.append(archive.coverage) }
        }
        #expect(coverage == coverage.sorted())
        #expect(archive.coverage > 0.3, "coverage \(archive.coverage)")
        #expect(archive.elites.allSatisfy { $0.objective <= 100 && $0.objective >= 0 })
        // The arm's end effector is inside the unit disc.
        #expect(archive.elites.allSatisfy { ($0.measures[0] * $0.measures[0] + $0.measures[1] * $0.measures[1]) <= 1 + 1e-9 })
    }
}

@Suite("Evolution-strategy emitter")
struct EvolutionStrategyEmitterTests {
    func run(seed: UInt64, iterations: Int) -> (GridArchive, EvolutionStrategyEmitter, [[Float]]) {
        let arm = RoboticArm()
        let archive = GridArchive(solutionSize: 10, dimensions: [20, 20], ranges: arm.measureRanges)
        let settings = EmitterSettings(batchSize: 20, initialSolution: Array(repeating: 0, count: 10), bounds: arm.solutionBounds)
        let emitter = EvolutionStrategyEmitter(archive: archive, sigma: 0.3, settings: settings, seed: seed)
        let scheduler = Scheduler(archive: archive, emitters: [emitter])
        var asked: [[Float]] = []
        for _ in 0..<iterations {
            let candidates = scheduler.ask()
            asked += candidates
            scheduler.tell(objectives: candidates.map(arm.objective), measures: candidates.map(arm.endEffector), solutions: candidates)
        }
        return (archive, emitter, asked)
    }

    @Test("CMA-ME improvement ranking explores the arm's measure space, deterministically")
    func explores() {
        let (archive, _, first) = run(seed: 1, iterations: 100)
        let (_, _, again) = run(seed: 1, iterations: 100)
        #expect(first == again)
        #expect(archive.coverage > 0.2, "coverage \(archive.coverage)")
        #expect(first.allSatisfy { $0.allSatisfy { abs($0) <= Float.pi } })
    }

    @Test("the emitter restarts when nothing it proposes is added")
    func restarts() {
        let archive = GridArchive(solutionSize: 2, dimensions: [2], ranges: [0...1])
        archive.add(solution: [0, 0], objective: 1000, measures: [0.2])
        archive.add(solution: [1, 1], objective: 1000, measures: [0.8])
        let emitter = EvolutionStrategyEmitter(archive: archive, sigma: 0.1,
                                               settings: EmitterSettings(batchSize: 4, initialSolution: [0, 0]), seed: 2)
        let candidates = emitter.ask()
        let results = archive.add(solutions: candidates, objectives: candidates.map { _ in 1 }, measures: candidates.map { _ in [0.5] })
        emitter.tell(solutions: candidates, objectives: candidates.map { _ in 1 }, measures: candidates.map { _ in [0.5] }, results: results)
        #expect(emitter.restarts == 1)
    }
}
