import Foundation
import Testing
import SandboxCore
import TestSupport
@testable import RewardLearning

@Suite("HERON: rankings, the comparison tree and its reward model")
struct HeronTests {
    let lander = try! Fixtures.tasks.spec(for: "LunarLanderContinuous")

    @Test("the tree decides on the first level beyond its margin, honours signs, and ties when no level decides")
    func treeDecisions() throws {
        let hierarchy = RewardHierarchy(task: lander.id, annotator: "t", levels: [
            .init(terms: ["landing", "crash"], margin: 1), .init(terms: ["main_engine"], sign: -1, margin: 0.5, scope: .absolute),
        ])
        let tree = HeronTree(hierarchy: hierarchy)
        let deltas = tree.margins(bufferScales: [9, 9], batchScales: [7, 7])
        #expect(deltas == [1, 0.5])  // absolute margins ignore the scales
        #expect(tree.decide([100, 0], [0, 5], deltas: deltas) == .decided(firstPreferred: true, level: 0))
        #expect(tree.decide([0.5, 0], [0, 0], deltas: deltas) == .tie)  // within both margins
        #expect(tree.decide([0.5, -2], [0, 0], deltas: deltas) == .decided(firstPreferred: false, level: 1))
        // Level values: sign × summed terms, in the task's term order.
        let names = lander.rewardTerms
        var terms = [Double](repeating: 0, count: names.count)
        terms[names.firstIndex(of: "landing")!] = 100
        terms[names.firstIndex(of: "crash")!] = -30
        terms[names.firstIndex(of: "main_engine")!] = -0.3
        #expect(tree.levelValues(terms: terms, termNames: names) == [70, 0.3])
        // Standard-deviation margins scale with the buffer or the batch.
        let scaled = RewardHierarchy(task: lander.id, annotator: "t", levels: [.init(terms: ["tilt"], margin: 0.5, scope: .buffer),
                                                                            .init(terms: ["speed"], margin: 2, scope: .batch)])
        #expect(HeronTree(hierarchy: scaled).margins(bufferScales: [4, 4], batchScales: [3, 3]) == [2, 6])
    }

    @Test("rankings parse from text with groups, signs and margins; mistakes name the task's terms")
    func rankingText() throws {
        let hierarchy = try RewardHierarchy(ranking: "landing+crash>distance>-main_engine", task: lander, margins: [1, 0.5, 2], scope: .batch)
        #expect(hierarchy.levels.map(\.terms) == [["landing", "crash"], ["distance"], ["main_engine"]])
        #expect(hierarchy.levels.map(\.sign) == [1, 1, -1] && hierarchy.levels.map(\.margin) == [1, 0.5, 2])
        #expect(hierarchy.rankingText == "landing+crash>distance>-main_engine")
        #expect(try RewardHierarchy(ranking: RewardHierarchy.defaultRanking(for: "LunarLanderContinuous")!, task: lander).levels.count == 5)
        for (text, margins, fragment) in [("landing>fuel", [Double](), "has no reward term 'fuel'; its terms are distance, speed"),
                                          ("-fuel>landing", [], "no reward term 'fuel'"), ("landing>>tilt", [], "is not a ranking"),
                                          ("landing>tilt", [1, 2, 3], "3 margins for a ranking of 2 levels"),
                                          ("landing>landing", [], "ranked twice"), ("landing", [-1], "must be a finite number ≥ 0")] {
            #expect {
                try RewardHierarchy(ranking: text, task: lander, margins: margins)
            } throws: { error in
                "\(error)".contains(fragment) && (error as? HierarchyError)?.isUsageError == true
            }
        }
    }

    @Test("format 1 hierarchy files still read: single terms, bigger is better, absolute margins")
    func formatOne() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("h1-\(UUID().uuidString).json")
        try Data(#"{"format": 1, "task": "LunarLanderContinuous-v1", "annotator": "a", "levels": [{"term": "landing", "margin": 2}]}"#.utf8).write(to: url)
        let hierarchy = try RewardHierarchy.read(from: url, tasks: Fixtures.tasks)
        #expect(hierarchy.levels == [.init(terms: ["landing"], sign: 1, margin: 2, scope: .absolute)])
        try hierarchy.write(to: url)
        #expect(try RewardHierarchy.read(from: url, tasks: Fixtures.tasks) == hierarchy)
    }

    @Test("Bradley–Terry on the tree's decisions recovers the lexicographic order on a toy problem")
    func lexicographicOrder() throws {
        // Observations are two numbers in [0, 1); the ranking is "first number, then second" with margin 0.1.
        let toy = TaskSpec(name: "Toy", version: 1, observationSpace: .box(BoxSpace(uniformLow: 0, high: 1, shape: [2])),
                           actionSpace: .box(BoxSpace(uniformLow: -1, high: 1, shape: [1])), rewardTerms: ["a", "b"], maxEpisodeSteps: 1,
                           framesPerSecond: 1, renderWidth: 1, renderHeight: 1, defaultOptions: [:], summary: "toy")
        let tree = HeronTree(hierarchy: RewardHierarchy(task: toy.id, annotator: "t", levels: [.init(term: "a", margin: 0.1), .init(term: "b", margin: 0.1)]))
        var generator = SeededGenerator(seed: 8)
        func draw() -> [Float] { [Float(generator.uniform(0, 1)), Float(generator.uniform(0, 1))] }
        var pairs: [PreferencePair] = []
        while pairs.count < 3000 {
            let x = draw(), y = draw()
            if case .decided(let first, _) = tree.decide(x.map(Double.init), y.map(Double.init), deltas: [0.1, 0.1]) {
                pairs.append(PreferencePair(first: Segment(observations: [x], actions: [[0]], trueRewards: [0]),
                                            second: Segment(observations: [y], actions: [[0]], trueRewards: [0]), firstPreferred: first ? 1 : 0))
            }
        }
        var modelGenerator = SeededGenerator(seed: 9)
        let model = RewardEnsemble(.init(task: toy, usesActions: false, hiddenSizes: [32, 32], ensembleSize: 1, endings: .off), using: &modelGenerator)
        var fit = RewardFitter.Configuration()
        fit.epochs = 30
        fit.learningRate = 3e-3
        _ = try RewardFitter(configuration: fit).fit(model, pairs: pairs, seed: 10)
        // Fresh pairs: the first number decides when it differs by more than 0.1; else the second.
        var correct = 0, total = 0, secondLevelCorrect = 0, secondLevelTotal = 0
        for _ in 0..<600 {
            let x = draw(), y = draw()
            guard case .decided(let first, let level) = tree.decide(x.map(Double.init), y.map(Double.init), deltas: [0.1, 0.1]) else { continue }
            let r = model.rewards(observations: [x, y], actions: [[0], [0]])
            let agrees = (r[0] > r[1]) == first
            total += 1; correct += agrees ? 1 : 0
            if level == 1 { secondLevelTotal += 1; secondLevelCorrect += agrees ? 1 : 0 }
        }
        #expect(Double(correct) / Double(total) > 0.9, "\(correct)/\(total)")
        #expect(Double(secondLevelCorrect) / Double(max(secondLevelTotal, 1)) > 0.7, "\(secondLevelCorrect)/\(secondLevelTotal)")
    }
}
