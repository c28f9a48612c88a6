import Foundation
import SandboxCore

/// Answers a label store's pending pair queries as a simulated person: a B-Pref teacher on the
/// segments' true returns, a reward hierarchy (HERON) on their per-term returns, or a regret teacher
/// on their regret under an expert (`ExpertValues`; absorbing steps worth 0 whatever the endings). What
/// `sandbox queries answer` runs; each answer is saved as it is made, so a killed run loses nothing.
///
/// Segments are replayed from their episodes. Steps past a terminated episode's end (absorbing steps)
/// hold its last step's terms, or are 0 under `.zero` and `.terminal` endings, as the preference
/// loop's simulated teachers count them (`Endings.teacherRewards`).
public final class StoreTeacher {
    public let specification: TeacherSpecification
    public let endings: Endings
    public let tasks: TaskRegistry
    private var teacher: SimulatedTeacher
    private let hierarchy: RewardHierarchy?
    private let regret: ExpertValues?
    private var episodes: [Int64: Episode] = [:]

    /// A teacher from `specification` (a preset or `hierarchy:FILE`; `human` is refused).
    public init(_ specification: TeacherSpecification, seed: UInt64, endings: Endings = .learned, tasks: TaskRegistry) throws {
        self.specification = specification
        self.endings = endings
        self.tasks = tasks
        switch specification {
        case .simulated(let preset):
            teacher = SimulatedTeacher(try SimulatedTeacher.preset(preset), seed: seed)
            hierarchy = nil
            regret = nil
        case .hierarchy(let path):
            hierarchy = try RewardHierarchy.read(from: URL(fileURLWithPath: path), tasks: tasks)
            teacher = SimulatedTeacher(try SimulatedTeacher.preset("oracle"), seed: seed)
            regret = nil
        case .regret(let expert):
            regret = try ExpertValues(expertPath: expert, tasks: tasks)
            teacher = SimulatedTeacher(try SimulatedTeacher.preset("oracle"), seed: seed)
            hierarchy = nil
        case .human:
            throw StoreTeacherError.human
        }
    }

    /// What `answerPending` did.
    public struct Summary: Equatable, Sendable {
        /// Queries this call answered.
        public var answered: Int
        /// Pair queries the annotator had already answered (before this call, or meanwhile in another
        /// process), left as they were.
        public var alreadyAnswered: Int
    }

    /// Answers every pair query that `annotator` has not answered, calling `onAnswer` after each one is
    /// saved. A query the annotator answers meanwhile in another process keeps that answer: an
    /// annotator answers a query once. The teacher's thresholds are scaled by the segment returns over
    /// every stored query, as B-Pref scales them.
    @discardableResult
    public func answerPending(in store: LabelStore, as annotator: String, onAnswer: (Int64, Answer) -> Void = { _, _ in }) throws -> Summary {
        let queries = try store.queries()
        let pending = try store.pendingQueries(annotator: annotator, kind: .pair)
        let answeredBefore = Swift.max(queries.filter { $0.kind == .pair }.count - pending.count, 0)
        if let regret {
            return try answerByRegret(pending, values: regret, in: store, as: annotator, answeredBefore: answeredBefore, onAnswer: onAnswer)
        }
        if let hierarchy, let task = try store.task, task != hierarchy.task {
            throw StoreTeacherError.otherTask(hierarchy: hierarchy.task, store: task)
        }
        var returns: [Double] = []
        for query in queries {
            returns += [try rewards(query.first, in: store).reduce(0, +), try rewards(query.second, in: store).reduce(0, +)]
        }
        let range = (returns.min() ?? 0, returns.max() ?? 1)
        var answered = 0
        for query in pending {
            let started = Date()
            let answer = try hierarchy.map { try $0.compare(termReturns(query.first, in: store), termReturns(query.second, in: store)) }
                ?? teacher.answer(first: try rewards(query.first, in: store), second: try rewards(query.second, in: store), returnRange: range)
            guard try store.addUnlessAnswered(answer, to: query.id, annotator: annotator, responseTime: Date().timeIntervalSince(started)) != nil else { continue }
            answered += 1
            onAnswer(query.id, answer)
        }
        return Summary(answered: answered, alreadyAnswered: answeredBefore + pending.count - answered)
    }

    /// Regret answers, in chunks whose values are computed on all workers, each answer saved as made;
    /// a query the annotator answers meanwhile in another process keeps that answer, as in `answerPending`.
    private func answerByRegret(_ pending: [StoredQuery], values: ExpertValues, in store: LabelStore, as annotator: String,
                                answeredBefore: Int, onAnswer: (Int64, Answer) -> Void) throws -> Summary {
        var answered = 0
        var records: [Int64: EpisodeRecord] = [:]
        func segment(_ reference: SegmentReference) throws -> (record: EpisodeRecord, start: Int, length: Int) {
            if records[reference.episode] == nil { records[reference.episode] = try store.episode(reference.episode) }
            return (records[reference.episode]!, reference.start, reference.length)
        }
        for chunk in stride(from: 0, to: pending.count, by: 16).map({ Array(pending[$0..<Swift.min($0 + 16, pending.count)]) }) {
            let started = Date()
            let regrets = try values.regrets(try chunk.flatMap { [try segment($0.first), try segment($0.second)] })
            let perQuery = Date().timeIntervalSince(started) / Double(chunk.count)
            for (i, query) in chunk.enumerated() {
                let answer = RegretComparison.answer(firstRegret: regrets[2 * i].regret, secondRegret: regrets[2 * i + 1].regret)
                guard try store.addUnlessAnswered(answer, to: query.id, annotator: annotator, responseTime: perQuery) != nil else { continue }
                answered += 1
                onAnswer(query.id, answer)
            }
        }
        return Summary(answered: answered, alreadyAnswered: answeredBefore + pending.count - answered)
    }

    /// Per-step reward terms of a segment, absorbing steps included.
    private func terms(_ reference: SegmentReference, in store: LabelStore) throws -> [[Double]] {
        if episodes[reference.episode] == nil {
            episodes[reference.episode] = try Rollout.replay(try store.episode(reference.episode), in: tasks).episode
        }
        let episode = episodes[reference.episode]!
        guard let terms = reference.terms(in: episode.termTrace, terminated: episode.record.terminated, holdingLastStep: !endings.pinsOffset) else {
            throw StoreTeacherError.segmentOutside(start: reference.start, length: reference.length, episodeLength: episode.termTrace.count)
        }
        return terms
    }

    private func rewards(_ reference: SegmentReference, in store: LabelStore) throws -> [Double] {
        try terms(reference, in: store).map { $0.reduce(0, +) }
    }

    /// Per-term returns of a segment, by term name.
    private func termReturns(_ reference: SegmentReference, in store: LabelStore) throws -> [String: Double] {
        let names = try tasks.spec(for: try store.episode(reference.episode).taskID).rewardTerms
        let rows = try terms(reference, in: store)
        return Dictionary(uniqueKeysWithValues: names.enumerated().map { t, name in (name, rows.reduce(0) { $0 + $1[t] }) })
    }
}

public enum StoreTeacherError: Error, CustomStringConvertible {
    case human
    case otherTask(hierarchy: String, store: String)
    case segmentOutside(start: Int, length: Int, episodeLength: Int)

    public var description: String {
        switch self {
        case .human:
            return "people answer through the labelling window, not a teacher: run `sandbox label --store FILE.db`"
        case let .otherTask(hierarchy, store):
            return "the hierarchy ranks \(hierarchy)'s terms but the store holds \(store) queries; rank that task's terms with `sandbox label --ranking --task \(store)`"
        case let .segmentOutside(start, length, episodeLength):
            return "segment \(start)+\(length) lies outside its episode of \(episodeLength) steps; the store was edited or imported with a wrong segment"
        }
    }
}
