import Foundation

/// Runs the ask/tell loop over emitters and an archive (pyribs' `Scheduler`): `ask` gathers every
/// emitter's candidates, the caller evaluates them (in parallel, see `evaluateInParallel`), and `tell`
/// adds them to the archive and informs each emitter of its own candidates' fate.
public final class Scheduler {
    public let archive: any Archive
    public let emitters: [any Emitter]
    private var pending: [(emitter: Int, count: Int)] = []

    public init(archive: any Archive, emitters: [any Emitter]) {
        precondition(!emitters.isEmpty, "a scheduler needs at least one emitter")
        self.archive = archive
        self.emitters = emitters
    }

    public func ask() -> [[Float]] {
        var all: [[Float]] = []
        pending = []
        for (i, emitter) in emitters.enumerated() {
            let candidates = emitter.ask()
            pending.append((i, candidates.count))
            all += candidates
        }
        return all
    }

    @discardableResult
    public func tell(objectives: [Double], measures: [[Double]], solutions: [[Float]]) -> [(status: AdditionStatus, improvement: Double)] {
        precondition(objectives.count == solutions.count && measures.count == solutions.count, "tell needs one objective and measure per asked solution")
        let results = archive.add(solutions: solutions, objectives: objectives, measures: measures)
        var offset = 0
        for (i, count) in pending {
            let range = offset..<(offset + count)
            emitters[i].tell(solutions: Array(solutions[range]), objectives: Array(objectives[range]),
                             measures: Array(measures[range]), results: Array(results[range]))
            offset += count
        }
        return results
    }
}

/// Evaluates candidates across the cores; `evaluate` must be safe to call concurrently.
public func evaluateInParallel<T>(_ candidates: [[Float]], _ evaluate: ([Float]) -> T) -> [T] {
    var results = [T?](repeating: nil, count: candidates.count)
    results.withUnsafeMutableBufferPointer { buffer in
        let out = buffer.baseAddress!
        DispatchQueue.concurrentPerform(iterations: candidates.count) { i in out[i] = evaluate(candidates[i]) }
    }
    return results.map { $0! }
}
