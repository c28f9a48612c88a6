import Foundation
import Agents
import NeuralNets
import SandboxCore

/// Someone who answers pair queries: a simulated teacher, or a person (through a prompt or the store).
public protocol PairAnswerer: AnyObject {
    /// The annotator id recorded with each answer.
    var annotator: String { get }
    /// Answers the stored queries (ids with their segments); each answer must be added to `store`
    /// before the next query is shown. Returns the answers in order.
    func answer(_ queries: [(id: Int64, first: Segment, second: Segment)], store: LabelStore) throws -> [Answer]
    /// True for people answering through the store in their own time (the labelling window): the loop
    /// then writes queries and keeps training, and refits whenever new answers have arrived.
    var answersLater: Bool { get }
}

extension PairAnswerer {
    public var answersLater: Bool { false }
}

/// People answering in the label store from another process (`sandbox label --store FILE.db`), at
/// their own pace; any annotator's standing answers count.
public final class StoreAnswerer: PairAnswerer {
    public let annotator = "human"
    public var answersLater: Bool { true }
    public init() {}
    public func answer(_ queries: [(id: Int64, first: Segment, second: Segment)], store: LabelStore) throws -> [Answer] { [] }
}

/// A B-Pref simulated teacher answering from the segments' true rewards.
public final class SimulatedAnswerer: PairAnswerer {
    public let annotator: String
    private var teacher: SimulatedTeacher
    /// What the teacher counts on absorbing steps: held last rewards, or 0 under `.zero`.
    public let endings: Endings
    private var returnRange = (min: Double.infinity, max: -Double.infinity)

    public init(name: String, seed: UInt64, endings: Endings = .zero) throws {
        teacher = SimulatedTeacher(try SimulatedTeacher.preset(name), seed: seed)
        annotator = "teacher:\(name)"
        self.endings = endings
    }

    public func answer(_ queries: [(id: Int64, first: Segment, second: Segment)], store: LabelStore) throws -> [Answer] {
        for q in queries {
            returnRange.min = Swift.min(returnRange.min, q.first.trueReturn, q.second.trueReturn)
            returnRange.max = Swift.max(returnRange.max, q.first.trueReturn, q.second.trueReturn)
        }
        return try queries.map { q in
            let started = Date()
            let answer = teacher.answer(first: endings.teacherRewards(q.first), second: endings.teacherRewards(q.second), returnRange: returnRange)
            try store.add(answer: answer, to: q.id, annotator: annotator, responseTime: Date().timeIntervalSince(started))
            return answer
        }
    }
}
