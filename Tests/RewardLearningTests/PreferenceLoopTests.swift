import Foundation
import Testing
import TestSupport
import Agents
import SandboxCore
import PhysicsEnvs
@testable import RewardLearning

@Suite("Preference loops", .serialized)
struct PreferenceLoopTests {
    func loopConfiguration() -> PreferenceLoop.Configuration {
        var c = PreferenceLoop.Configuration()
        c.totalLabels = 20
        c.labelsPerRound = 10
        c.segmentLength = 20
        c.episodesPerRound = 3
        c.pretrainingSteps = 200
        c.fit.epochs = 3
        c.fit.batchSize = 8
        return c
    }

    func temporaryStore() throws -> LabelStore {
        try LabelStore(path: FileManager.default.temporaryDirectory.appendingPathComponent("loop-\(UUID().uuidString).db").path)
    }

    /// A small PrefPPO on the lander (2 × 256-step rollouts, 2,048 steps) with a 2-member ensemble.
    func smallPrefPPO(seed: UInt64) throws -> (model: RewardEnsemble, trainer: PPO) {
        let spec = try Fixtures.tasks.spec(for: "LunarLanderContinuous-v1")
        var g = SeededGenerator(seed: seed)
        let model = RewardEnsemble(.init(task: spec, hiddenSizes: [16], ensembleSize: 2), using: &g)
        var ppo = PPO.Configuration()
        ppo.environmentCount = 2; ppo.stepsPerEnvironment = 256; ppo.epochs = 1; ppo.hiddenSizes = [16]
        return (model, try PPO(task: spec.id, in: Fixtures.tasks, configuration: ppo, reward: .model(model), seed: seed, totalSteps: 2048))
    }

    /// Runs `loop` alongside `trainer` to its step budget; returns the metrics of each round.
    func runToEnd(_ loop: PreferenceLoop, _ trainer: PPO) throws -> [[String: Double]] {
        var rounds: [[String: Double]] = []
        while trainer.globalStep < 2048 {
            let metrics = try loop.beforeIteration()
            if !metrics.isEmpty { rounds.append(metrics) }
            _ = try trainer.iterate()
        }
        return rounds
    }

    @Test("PrefPPO asks its labels on schedule, stores every answer and logs diagnostics")
    func prefPPO() throws {
        let (model, trainer) = try smallPrefPPO(seed: 1)
        let store = try temporaryStore()
        let loop = try PreferenceLoop(trainer: trainer, model: model, store: store, answerer: try SimulatedAnswerer(name: "oracle", seed: 2),
                                      configuration: loopConfiguration(), totalSteps: 2048, seed: 3, tasks: Fixtures.tasks)
        let rounds = try runToEnd(loop, trainer)
        #expect(rounds.count == 2)
        #expect(loop.labelsUsed == 20)
        #expect(try store.counts.answers == 20)
        #expect(rounds.last?["pbrl/labels"] == 20)
        #expect(rounds.allSatisfy { $0["pbrl/label_accuracy"] != nil && $0["pbrl/spearman"] != nil })
        // The learned reward is what the agent was trained on: it changed after the refits.
        #expect(model.configuration.outputStd != 1)
    }

    /// Runs a small PrefPPO loop with `perRound` heuristic episodes in each round's pool (and `share`);
    /// returns the loop, its store and its rounds' metrics.
    func demonstrationRun(perRound: Int, share: Double = 0) throws -> (loop: PreferenceLoop, store: LabelStore, rounds: [[String: Double]]) {
        let (model, trainer) = try smallPrefPPO(seed: 4)
        let store = try temporaryStore()
        var configuration = loopConfiguration()
        configuration.demonstrationsPerRound = perRound
        configuration.demonstrationShare = share
        let loop = try PreferenceLoop(trainer: trainer, model: model, store: store, answerer: try SimulatedAnswerer(name: "oracle", seed: 5),
                                      configuration: configuration, totalSteps: 2048, seed: 6, tasks: Fixtures.tasks)
        return (loop, store, try runToEnd(loop, trainer))
    }

    @Test("demonstrations: the heuristic controller's segments join the query pool and are asked about")
    func demonstrations() throws {
        let (loop, store, rounds) = try demonstrationRun(perRound: 2)
        #expect(loop.labelsUsed == 20, "demonstration queries count against the budget")
        // Each round stores 3 agent episodes and 2 heuristic ones; the heuristic's replay from its
        // record lands (the lander's heuristic scores well above 100).
        let episodes = try (1...Int64(try store.counts.episodes)).map { try store.episode($0) }
        #expect(episodes.count == 10)
        #expect(episodes.filter { $0.episodeReturn > 100 }.count >= 3, "\(episodes.map(\.episodeReturn))")
        let asked = rounds.compactMap { $0["pbrl/demonstration_queries"] }
        #expect(asked.count == 2 && asked.reduce(0, +) > 0, "\(asked)")
    }

    @Test("a demonstration share fixes the fraction of each round's queries that pair a demonstration with the agent")
    func demonstrationShare() throws {
        let (loop, _, rounds) = try demonstrationRun(perRound: 1, share: 0.3)
        #expect(loop.labelsUsed == 20)
        #expect(rounds.compactMap { $0["pbrl/demonstration_queries"] } == [3, 3], "3 of each round's 10 queries, no more, no fewer")
    }

    @Test("an ending share fixes the fraction of queries that pair a segment reaching its episode's end with one that does not")
    func endingShare() throws {
        let (model, trainer) = try smallPrefPPO(seed: 7)
        var configuration = loopConfiguration()
        configuration.endingShare = 0.5
        let loop = try PreferenceLoop(trainer: trainer, model: model, store: try temporaryStore(),
                                      answerer: try SimulatedAnswerer(name: "oracle", seed: 8), configuration: configuration, totalSteps: 2048, seed: 9, tasks: Fixtures.tasks)
        // Six segments, two of which reach their episode's termination.
        let segments = (0..<6).map { k in
            Segment(observations: [[Float(k)]], actions: [[0]], trueRewards: [0], absorbingSteps: k < 2 ? 1 : 0,
                    finalObservation: k < 2 ? [Float(k)] : nil)
        }
        let pairs = loop.selectWithEndings(10, from: segments, sampler: .uniform, model: nil)
        #expect(pairs.count == 10)
        let ends = pairs.map { (segments[$0.0].finalObservation != nil ? 1 : 0) + (segments[$0.1].finalObservation != nil ? 1 : 0) }
        #expect(ends.prefix(5).allSatisfy { $0 == 1 }, "the first half joins an ending with a segment that goes on: \(ends)")
        #expect(pairs.allSatisfy { $0.0 != $0.1 })
        // Without both kinds in the pool, pairs come from the whole pool.
        #expect(loop.selectWithEndings(4, from: Array(segments.suffix(4)), sampler: .uniform, model: nil).count == 4)
        // In a run, each round reports its queries that show an ending.
        let rounds = try runToEnd(loop, trainer)
        #expect(rounds.compactMap { $0["pbrl/ending_queries"] }.allSatisfy { $0 >= 5 }, "\(rounds.map { $0["pbrl/ending_queries"] ?? -1 })")
    }

    @Test("agent-median offset: each refit shifts the reward so that the median step of the agent's recent episodes is worth 0")
    func agentMedianOffset() throws {
        // On hand-made segments: the shift is the median step's reward, and afterwards that step is worth 0.
        let spec = try Fixtures.tasks.spec(for: "LunarLanderContinuous-v1")
        var g = SeededGenerator(seed: 21)
        let model = RewardEnsemble(.init(task: spec, hiddenSizes: [16], ensembleSize: 2), using: &g)
        model.configuration.outputStd = 2.5
        let segments = (0..<5).map { _ in
            Segment(observations: (0..<7).map { _ in (0..<8).map { _ in Float.random(in: -1...1, using: &g) } },
                    actions: (0..<7).map { _ in (0..<2).map { _ in Float.random(in: -1...1, using: &g) } },
                    trueRewards: [Double](repeating: 0, count: 7))
        }
        let before = model.rewards(observations: segments.flatMap(\.observations), actions: segments.flatMap(\.actions))
        let shift = try #require(PreferenceLoop.centreOnMedianStep(model, of: segments))
        #expect(shift == before.sorted()[before.count / 2], "35 steps: the median is the 18th")
        let after = model.rewards(observations: segments.flatMap(\.observations), actions: segments.flatMap(\.actions)).sorted()
        #expect(abs(after[after.count / 2]) < 1e-5)
        #expect(after.filter { $0 > 1e-5 }.count == 17 && after.filter { $0 < -1e-5 }.count == 17)
        for (a, b) in zip(before.sorted(), after) { #expect(abs((a - shift) - b) < 1e-4, "a shift, not a rescaling") }
        #expect(PreferenceLoop.centreOnMedianStep(model, of: []) == nil)

        // In a run, every refit logs its shift and the model keeps it (the agent and `eval --reward-model` see the same reward).
        let (runModel, trainer) = try smallPrefPPO(seed: 22)
        var configuration = loopConfiguration()
        configuration.rewardOffset = .agentMedian
        let loop = try PreferenceLoop(trainer: trainer, model: runModel, store: try temporaryStore(),
                                      answerer: try SimulatedAnswerer(name: "oracle", seed: 23), configuration: configuration, totalSteps: 2048, seed: 24, tasks: Fixtures.tasks)
        let rounds = try runToEnd(loop, trainer)
        #expect(rounds.count == 2 && rounds.allSatisfy { $0["pbrl/reward_offset"]?.isFinite == true }, "\(rounds)")
        #expect(runModel.configuration.outputMean != 0)
    }

    @Test("with a person answering later, the loop keeps training and refits as answers (and undos) arrive")
    func asynchronousAnswers() throws {
        let spec = try Fixtures.tasks.spec(for: "LunarLanderContinuous-v1")
        var g = SeededGenerator(seed: 7)
        let model = RewardEnsemble(.init(task: spec, hiddenSizes: [16], ensembleSize: 2), using: &g)
        var ppo = PPO.Configuration()
        ppo.environmentCount = 2; ppo.stepsPerEnvironment = 128; ppo.epochs = 1; ppo.hiddenSizes = [16]
        let trainer = try PPO(task: spec.id, in: Fixtures.tasks, configuration: ppo, reward: .model(model), seed: 7, totalSteps: 4096)
        let store = try temporaryStore()
        var configuration = loopConfiguration()
        configuration.totalLabels = 8
        configuration.labelsPerRound = 4
        let loop = try PreferenceLoop(trainer: trainer, model: model, store: store, answerer: StoreAnswerer(),
                                      configuration: configuration, totalSteps: 4096, seed: 8, tasks: Fixtures.tasks)
        // Round 1 is written; nobody has answered, so nothing is fitted and training goes on.
        let first = try loop.beforeIteration()
        #expect(first["pbrl/labels"] == 4 && first["pbrl/label_accuracy"] == nil)
        _ = try trainer.iterate()
        #expect(try loop.beforeIteration().isEmpty, "no new round while the first is unanswered, no refit without answers")
        // Another process (the window) answers three queries through its own connection.
        let window = try LabelStore(path: store.path)
        let pending = try window.pendingQueries()
        #expect(pending.count == 4)
        for (query, answer) in zip(pending, [Answer.first, .second, .equal]) {
            try window.add(answer: answer, to: query.id, annotator: "alice", responseTime: 2)
        }
        _ = try trainer.iterate()
        let refit = try loop.beforeIteration()
        #expect(refit["pbrl/answers"] == 3 && refit["pbrl/label_accuracy"] != nil)
        #expect(loop.answersReceived == 3)
        // The backlog (1) is below a round (4): the second round is asked when due.
        #expect(loop.labelsUsed == 8 || refit["pbrl/round"] == nil)
        // An undo withdraws an answer; the next refit uses two.
        try window.undoLastAnswer(annotator: "alice")
        _ = try trainer.iterate()
        let afterUndo = try loop.beforeIteration()
        #expect(afterUndo["pbrl/answers"] == 2)
        #expect(try loop.beforeIteration()["pbrl/answers"] == nil, "unchanged answers are not refitted")
    }

    @Test("PEBBLE pre-trains on state entropy, then relabels its buffer with the learned reward")
    func pebble() throws {
        let spec = try Fixtures.tasks.spec(for: "LunarLanderContinuous-v1")
        var g = SeededGenerator(seed: 4)
        let model = RewardEnsemble(.init(task: spec, hiddenSizes: [16], ensembleSize: 2), using: &g)
        var sac = SAC.Configuration()
        sac.hiddenSizes = [16]; sac.learningStarts = 100; sac.batchSize = 16
        let trainer = try SAC(task: spec.id, in: Fixtures.tasks, configuration: sac, reward: .model(model), seed: 4, totalSteps: 600)
        trainer.stepsPerIteration = 100
        let loop = try PreferenceLoop(trainer: trainer, model: model, store: try temporaryStore(),
                                      answerer: try SimulatedAnswerer(name: "noisy", seed: 5), configuration: loopConfiguration(),
                                      totalSteps: 600, seed: 6, tasks: Fixtures.tasks)
        #expect(trainer.batchRewardOverride != nil)
        let entropy = loop.stateEntropyReward(Array(repeating: 0, count: 8 * 4))
        #expect(entropy.isEmpty || entropy.count == 4)
        while trainer.globalStep < 600 {
            _ = try loop.beforeIteration()
            _ = try trainer.iterate()
        }
        #expect(loop.labelsUsed == 20)
        #expect(trainer.batchRewardOverride == nil)
        // Queries are drawn from the agent's own training episodes, replayed exactly.
        let trainingSeeds = Set(trainer.recentEpisodes.map(\.seed))
        #expect(trainer.finishedEpisodeCount > 0 && trainer.recentEpisodes.count == min(trainer.finishedEpisodeCount, 100))
        for query in try loop.store.queries() {
            for reference in [query.first, query.second] {
                let record = try loop.store.episode(reference.episode)
                #expect(trainingSeeds.contains(record.seed))
                #expect(trainer.recentEpisodes.first { $0.seed == record.seed }?.actions == record.actions)
            }
        }
    }

    @Test("the state-entropy reward's k-th neighbour distances match a direct search")
    func kthNeighbours() {
        var g = SeededGenerator(seed: 41)
        let d = 8, n = 6, m = 300
        let queries = (0..<(n * d)).map { _ in Float.random(in: -1...1, using: &g) }
        let references = (0..<(m * d)).map { _ in Float.random(in: -1...1, using: &g) }
        for k in [1, 5] {
            let found = PreferenceLoop.kthNeighbourDistances(queries, among: references, dimension: d, k: k)
            for i in 0..<n {
                let direct = (0..<m).map { j in
                    (0..<d).reduce(Float(0)) { s, c in let e = queries[i * d + c] - references[j * d + c]; return s + e * e }.squareRoot()
                }.sorted()[k - 1]
                #expect(abs(found[i] - direct) < 1e-3, "row \(i), k = \(k): \(found[i]) against \(direct)")
            }
        }
    }

    @Test("correlations: Pearson and Spearman with ties")
    func correlations() {
        #expect(abs(Correlation.pearson([1, 2, 3], [2, 4, 6]) - 1) < 1e-12)
        #expect(abs(Correlation.spearman([1, 2, 3, 4], [1, 4, 9, 16]) - 1) < 1e-12)
        #expect(abs(Correlation.spearman([1, 2, 3], [3, 2, 1]) + 1) < 1e-12)
        #expect(Correlation.ranks([5, 1, 5]) == [1.5, 0, 1.5])
    }
}

@Suite("Segment cutting")
struct SegmentCuttingTests {
    @Test("segments tile the episode and the last one ends at the episode's end")
    func starts() {
        #expect(segmentStarts(episodeLength: 120, segmentLength: 50) == [0, 50, 70])
        #expect(segmentStarts(episodeLength: 100, segmentLength: 50) == [0, 50])
        #expect(segmentStarts(episodeLength: 30, segmentLength: 50) == [])
    }
}
