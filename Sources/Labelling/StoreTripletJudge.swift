import Foundation
import QDHF
import RewardLearning
import SandboxCore

/// People as QDHF's judge: each refit's triplets become triplet queries (clips of the domain's episodes)
/// in a label store, and the run waits for their answers from the labelling window.
public final class StoreTripletJudge: TripletJudge {
    public let store: LabelStore
    private var round = 0
    private let shouldStop: () -> Bool
    private let report: (String) -> Void

    /// - Parameters:
    ///   - shouldStop: polled while waiting (a Ctrl-C); the wait then ends with what is answered.
    ///   - report: progress lines (queries written, answers in).
    public init(store: LabelStore, shouldStop: @escaping () -> Bool = { false }, report: @escaping (String) -> Void = { _ in }) {
        self.store = store
        self.shouldStop = shouldStop
        self.report = report
    }

    public func judge(_ triples: [(reference: [Float], first: [Float], second: [Float])], experiment: QDHFExperiment) throws -> [Bool?] {
        round += 1
        let domain = experiment.domain
        let ids = try store.addTripletQueries(try triples.map { (try domain.episode(of: $0.reference), try domain.episode(of: $0.first), try domain.episode(of: $0.second)) },
                                              round: round)
        report("\nround \(round): \(ids.count) triplet queries written; waiting for answers (sandbox label --store \(store.path))")
        let answers = try store.waitForAnswers(to: ids, report: { [report] in report("  \($0) / \(ids.count) answered") }, shouldStop: shouldStop)
        return answers.map { $0 == .first ? true : $0 == .second ? false : nil }
    }
}
