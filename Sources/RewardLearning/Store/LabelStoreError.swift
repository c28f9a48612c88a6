import Foundation

/// What can go wrong with a label store, each said in one line with what to do.
public enum LabelStoreError: Error, CustomStringConvertible {
    /// No file at the path (and the command may not make one).
    case missing(String)
    case cannotOpen(String, reason: String)
    /// A file that is not an SQLite database, or is corrupt.
    case damaged(String, reason: String)
    /// An SQLite file (or a folder, or an empty file) that is not a label store; left untouched.
    case notAStore(String, reason: String)
    case newerFormat(String, found: Int, supported: Int)
    case sqlite(String, statement: String, reason: String)
    case unknownQuery(Int64)
    case badResponseTime(Double)
    /// A line of a JSON Lines import that cannot be imported: `FILE:LINE: problem`.
    case badImportLine(file: String, line: Int, problem: String)
    case taskMismatch(store: String, given: String)
    /// A stored query's segment does not lie in its episode (a store edited by hand, or an import by an
    /// earlier version that did not check).
    case segmentOutside(query: Int64, segment: SegmentReference, episodeLength: Int)
    /// `addRandomPairQueries` was asked for more pairs than there are new distinct ones.
    case tooFewPairs(requested: Int, available: Int, segments: Int)
    case waitInterrupted(answered: Int, of: Int)

    public var description: String {
        switch self {
        case .missing(let path):
            return "no label store at \(path); make one with `sandbox queries make --store \(path) --task ID` (or `sandbox queries import --store \(path) FILE.jsonl`), or check the path"
        case let .cannotOpen(path, reason): return "cannot open label store \(path): \(reason)"
        case let .damaged(path, reason): return "label store \(path) is damaged or not a label store (\(reason)); restore it from an export (sandbox queries import) or use another file"
        case let .notAStore(path, reason):
            return "\(path) is not a label store (\(reason)); it was left as it is: give another file, or make a store with `sandbox queries make`"
        case let .newerFormat(path, found, supported): return "label store \(path) has format \(found); this build reads up to \(supported) — update sandbox"
        case let .sqlite(path, statement, reason): return "label store \(path): \(reason) (in \(statement.prefix(60)))"
        case .unknownQuery(let id): return "the label store has no query \(id)"
        case .badResponseTime(let seconds): return "response time \(seconds) must be a finite number of seconds, at least 0"
        case let .badImportLine(file, line, problem): return "\(file):\(line): \(problem)"
        case let .taskMismatch(store, given): return "the label store holds queries for \(store), not \(given); use another store file"
        case let .segmentOutside(query, segment, episodeLength):
            return "query \(query): its segment of \(segment.length) steps from step \(segment.start) does not fit episode \(segment.episode) of \(episodeLength) steps (only a terminated episode's segments may run past its end); the store was edited or imported with a wrong segment — export it, remove that line and import it into a new store"
        case let .tooFewPairs(requested, available, segments):
            return "asked for \(requested) pairs but \(segments) segments give only \(available) new distinct pairs"
        case let .waitInterrupted(answered, total): return "stopped while waiting for answers (\(answered) of \(total) answered); the answers given are saved in the store"
        }
    }
}
