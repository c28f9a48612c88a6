import Foundation
import Testing
import TestSupport
@testable import RewardLearning
import SandboxCore

/// Moves the point task's point straight to its target at full speed: optimal, and deterministic.
final class PointExpert: Controller {
    func action(for observation: [Float]) -> [Float] { [Swift.min(Swift.max((observation[1] - observation[0]) / 0.1, -1), 1)] }
}

@Suite("regret teacher")
struct RegretTeacherTests {
    let tasks = TaskRegistry([TaskEntry(spec: PointTask().spec, make: { _ in PointTask() })])

    func values(workers: Int = 1) -> ExpertValues {
        ExpertValues(taskID: "Point-v1", tasks: tasks, workers: workers, makeExpert: { PointExpert() })
    }

    func episode(_ controller: any Controller, seed: UInt64) throws -> EpisodeRecord {
        try Rollout.run(PointTask(), controller: controller, seed: seed).record
    }

    /// V^expert after `step` actions of `record`, by hand: replay, then the expert to the end.
    func valueByHand(_ record: EpisodeRecord, step: Int) throws -> Double {
        let task = PointTask()
        var observation = task.reset(seed: record.seed)
        var total = 0.0, t = 0
        let expert = PointExpert()
        while true {
            let result = try task.step(t < step ? record.actions[t] : expert.action(for: observation))
            if t >= step { total += result.reward }
            observation = result.observation
            t += 1
            if result.isDone { break }
        }
        return total
    }

    @Test("a segment that follows the expert has zero regret; regret is V(s0) − Σr − V(s_end) with exact values")
    func exactValues() throws {
        let values = values()
        let expertEpisode = try episode(PointExpert(), seed: 3)
        let onExpert = try values.regrets([(expertEpisode, 5, 10)])[0]
        #expect(RegretComparison.rounded(onExpert.regret) == 0)
        #expect(abs(onExpert.startValue - (onExpert.partialReturn + onExpert.endValue)) < 1e-9)

        let random = try episode(RandomController(space: PointTask().spec.actionSpace, seed: 8), seed: 4)
        let r = try values.regrets([(random, 2, 6)])[0]
        let rewards = try values.stepRewards(random)
        #expect(r.partialReturn == rewards[2..<8].reduce(0, +))
        #expect(abs(r.startValue - (try valueByHand(random, step: 2))) < 1e-9)
        #expect(abs(r.endValue - (try valueByHand(random, step: 8))) < 1e-9)
        #expect(abs(r.regret - (r.startValue - r.partialReturn - r.endValue)) < 1e-12)
        #expect(r.regret > 0.05)  // random steps lose against the straight line
        // After the episode's last step nothing is left: V = 0.
        #expect(try values.values([(random, random.length)]) == [0])
    }

    @Test("values are cached, and the same on one or two threads")
    func cacheAndThreads() throws {
        let records = try (0..<3).map { try episode(RandomController(space: PointTask().spec.actionSpace, seed: $0), seed: $0) }
        let requests = records.flatMap { r in [0, 7, 13, 20].map { (r, $0) } }
        let one = values(workers: 1), two = values(workers: 2)
        let a = try one.values(requests), b = try two.values(requests)
        #expect(a == b)
        let simulated = one.simulatedSteps
        #expect(try one.values(requests) == a)
        #expect(one.simulatedSteps == simulated)
    }

    @Test("the answerer prefers lower regret, calls equal regrets equal, and saves its answers")
    func answerer() throws {
        let store = try LabelStore(path: Fixtures.temporaryPath("regret.db"))
        let answerer = RegretAnswerer(values: values(), annotator: "teacher:regret:test")
        let good = try episode(PointExpert(), seed: 1)
        let bad = try episode(RandomController(space: PointTask().spec.actionSpace, seed: 5), seed: 2)
        func segment(_ record: EpisodeRecord, id: Int64, start: Int) throws -> (Int64, Segment) {
            let reference = SegmentReference(episode: id, start: start, length: 5)
            let replayed = try Rollout.replay(record, in: tasks, keepObservations: true).episode
            return (try store.add(segment: reference), Segment.cut(replayed, start: start, length: 5, reference: reference))
        }
        let goodID = try store.add(episode: good), badID = try store.add(episode: bad)
        let (g, gs) = try segment(good, id: goodID, start: 0), (b, bs) = try segment(bad, id: badID, start: 0)
        let (g2, gs2) = try segment(good, id: goodID, start: 10)
        let q1 = try store.addQuery(kind: .pair, first: b, second: g)
        let q2 = try store.addQuery(kind: .pair, first: g, second: g2)
        let answers = try answerer.answer([(q1, bs, gs), (q2, gs, gs2)], store: store)
        #expect(answers == [.second, .equal])
        #expect(try store.answers().count == 2)
    }

    @Test("regret:EXPERT parses and prints back; an empty or missing expert is a one-line usage error naming the fix")
    func parsing() throws {
        let spec = try TeacherSpecification(parsing: "regret:runs/expert")
        #expect(spec == .regret(expert: "runs/expert"))
        #expect(spec.description == "regret:runs/expert")
        #expect(spec.annotator == "teacher:regret:runs/expert")
        for text in ["regret:", "regret"] {
            #expect {
                try TeacherSpecification(parsing: text)
            } throws: { error in
                let e = error as? RegretTeacherError
                return e?.isUsageError == true && e!.description.contains("regret:") && !e!.description.contains("\n")
            }
        }
        let missing = TeacherSpecification.regret(expert: "/nonexistent/expert")
        #expect {
            _ = try missing.makeAnswerer(seed: 0, endings: .zero, tasks: tasks)
        } throws: { error in
            (error as? RegretTeacherError)?.isUsageError == true && "\(error)".contains("sandbox train")
        }
        #expect(throws: RegretTeacherError.self) { _ = try StoreTeacher(missing, seed: 0, tasks: tasks) }
    }

    @Test("fit-labels with an expert: a regret annotator is explained better by regret, a partial-return one by partial return")
    func whichModelExplains() throws {
        let store = try LabelStore(path: Fixtures.temporaryPath("fit.db"))
        let values = values()
        var references: [(Int64, EpisodeRecord, Int)] = []
        for seed in UInt64(0)..<8 {
            let controller: any Controller = seed % 2 == 0 ? PointExpert() : RandomController(space: PointTask().spec.actionSpace, seed: seed)
            let record = try episode(controller, seed: seed)
            let id = try store.add(episode: record)
            for start in [0, 6, 12] where start + 5 <= record.length {
                references.append((try store.add(segment: SegmentReference(episode: id, start: start, length: 5)), record, start))
            }
        }
        var generator = Fixtures.generator(seed: 17)
        for _ in 0..<120 {
            let a = references[generator.integer(0, references.count)], b = references[generator.integer(0, references.count)]
            let q = try store.addQuery(kind: .pair, first: a.0, second: b.0)
            let (ra, rb) = try (values.regrets([(a.1, a.2, 5)])[0], values.regrets([(b.1, b.2, 5)])[0])
            func answer(_ x: Double, _ y: Double) -> Answer { abs(x - y) < 1e-9 ? .equal : (x > y ? .first : .second) }
            _ = try store.add(answer: answer(rb.regret, ra.regret), to: q, annotator: "by-regret", responseTime: 1)
            _ = try store.add(answer: answer(ra.partialReturn, rb.partialReturn), to: q, annotator: "by-return", responseTime: 1)
        }
        var comparison = PreferenceModelComparison()
        comparison.folds = 4
        let results = try comparison.compare(store: store, expert: values)
        #expect(results.map(\.annotator) == ["by-regret", "by-return"])
        #expect(results[0].regretAdvantage > 0 && results[1].regretAdvantage < 0)
        #expect(results.allSatisfy { $0.answers == 120 && $0.partialReturn <= 0 && $0.regret <= 0 })
        // β = 0 (random answers) is the floor: log 2 per answer at worst, for noiseless answers near 0.
        #expect(results.allSatisfy { Swift.max($0.partialReturn, $0.regret) > -0.3 })
        let other = ExpertValues(taskID: "LunarLanderContinuous-v1", tasks: tasks, workers: 1, makeExpert: { PointExpert() })
        #expect(throws: ComparisonError.self) { _ = try comparison.compare(store: store, expert: other) }
    }

    @Test("episodes of another task are refused")
    func otherTask() throws {
        let values = ExpertValues(taskID: "LunarLanderContinuous-v1", tasks: tasks, workers: 1, makeExpert: { PointExpert() })
        let record = try episode(PointExpert(), seed: 0)
        #expect(throws: RegretTeacherError.self) { _ = try values.values([(record, 0)]) }
    }
}
