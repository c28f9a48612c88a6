import Foundation
import Testing
import TestSupport
import SandboxCore
@testable import QDHF

@Suite("Elites spread over an archive")
struct ArchiveDiversityTests {
    /// A bundle whose best elites crowd one corner of [0, 10]² and a few poorer ones sit elsewhere.
    func crowdedBundle(seed: UInt64) -> ArchiveBundle {
        var generator = SeededGenerator(seed: seed)
        var points: [(objective: Double, measures: [Double])] = (0..<60).map { _ in
            (Double.random(in: 80...100, using: &generator), [Double.random(in: 0...1, using: &generator), Double.random(in: 0...1, using: &generator)])
        }
        points += [(10, [9.5, 9.5]), (20, [9.5, 0.5]), (30, [0.5, 9.5]), (5, [5, 5])]
        points.sort { $0.objective > $1.objective }
        let entries = points.enumerated().map { i, p in
            ArchiveBundle.EliteEntry(index: i, cell: 0, objective: p.objective, measures: p.measures, groundTruth: p.measures,
                                     episodeReturn: nil, seed: 0)
        }
        return ArchiveBundle(domain: "test", task: "Point", taskVersion: 1,
                             archive: .init(dimensions: [10, 10], lowerBounds: [0, 0], upperBounds: [10, 10]),
                             measureModel: .init(method: "gt", file: nil, featureSize: 2, features: "-"),
                             policyLayout: "-", solutionSize: 1, elites: entries)
    }

    @Test("farthest-point sampling picks the far corners, not the top near-duplicates, best first and deterministically")
    func spreadPicks() {
        let bundle = crowdedBundle(seed: 11)
        let picks = bundle.diverseElites(count: 5)
        #expect(picks.count == 5)
        #expect(picks.first == 0, "the best elite comes first")
        let far = Set(bundle.elites.indices.filter { bundle.elites[$0].measures.contains { $0 > 2 } })
        #expect(far.isSubset(of: Set(picks)), "all four far elites are picked")
        #expect(picks.map { bundle.elites[$0].objective } == picks.map { bundle.elites[$0].objective }.sorted(by: >))
        #expect(bundle.diverseElites(count: 5) == picks)
        // The top five by objective would all sit in the crowded corner.
        #expect(bundle.elites.prefix(5).allSatisfy { $0.measures.allSatisfy { $0 <= 1 } })
        #expect(bundle.diverseElites(count: 100) == Array(bundle.elites.indices))
        #expect(bundle.diverseElites(count: 0).isEmpty)
    }

    @Test("each tile is labelled with its elite's index, measures and objective")
    func tileLabels() {
        let bundle = crowdedBundle(seed: 2)
        let i = bundle.elites.firstIndex { $0.measures == [9.5, 0.5] }!
        #expect(bundle.tileLabel(i) == "#\(i) (9.50, 0.50) obj 20.0")
    }

    @Test("archive heatmaps name their measures and ranges and carry the objective's colour bar")
    func heatmapAxes() {
        let archive = GridArchive(solutionSize: 1, dimensions: [4, 3], ranges: [-1...1, 0...2])
        _ = archive.add(solution: [0], objective: 5, measures: [-0.9, 0.1])
        _ = archive.add(solution: [1], objective: 9, measures: [0.9, 1.9])
        let heatmap = archive.heatmap(title: "t", measureNames: ["x (m)", "y (m)"], scaleName: "objective: score")
        #expect(heatmap.xAxis?.name == "x (m)" && heatmap.xAxis?.range == -1...1)
        #expect(heatmap.yAxis?.name == "y (m)" && heatmap.yAxis?.range == 0...2)
        #expect(heatmap.values.count == 3 && heatmap.values[0].count == 4)
        #expect(heatmap.values[0][0] == 5 && heatmap.values[2][3] == 9)
        #expect(heatmap.captions.contains("objective"))
        #expect(heatmap.captions.contains { $0.contains("objective: score") })
        #expect(ArmDomain().measureNames(for: .qdhf) == ["learned measure 1 (qdhf)", "learned measure 2 (qdhf)"])
        #expect(ArmDomain().measureNames(for: .groundTruth) == ArmDomain().measureNames)
    }
}
