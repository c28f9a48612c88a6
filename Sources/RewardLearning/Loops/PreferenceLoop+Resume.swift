import Agents
import Foundation
import SandboxCore

extension PreferenceLoop {
    /// Where a preference loop stands: `pbrl_state.json` in the run folder, written with every
    /// checkpoint, so that `sandbox pbrl --resume RUN` continues with the same labels, store and schedule.
    ///
    /// The answers themselves live in the label store; the state keeps which of its queries this run
    /// asked. Candidate segments are not kept: the first round after a resume draws fresh episodes.
    public struct Progress: Codable, Sendable, Equatable {
        /// The file's name inside a run folder.
        public static let fileName = "pbrl_state.json"
        public var format = 1
        /// Feedback rounds run so far.
        public var round: Int
        /// Queries asked so far (the label budget spent).
        public var labelsUsed: Int
        /// The label-store ids of the queries this run asked, in order.
        public var askedQueryIDs: [Int64]
        /// Whether the reward model has been fitted (its normalisation fixed) at least once.
        public var fitted: Bool
        public var generator: SeededGenerator
        public var entropyScale: RunningMeanStd

        /// Writes the state into `folder` atomically.
        public func write(to folder: URL) throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try writeAtomically(try encoder.encode(self), to: folder.appendingPathComponent(Self.fileName))
        }

        /// Reads the state a `sandbox pbrl` run folder holds.
        public static func read(from folder: URL) throws -> Progress {
            let file = folder.appendingPathComponent(fileName)
            guard let data = try? Data(contentsOf: file) else {
                throw PreferenceRunSettingsError.missing(folder.path + " (its " + fileName + ")")
            }
            let progress: Progress
            do { progress = try JSONDecoder().decode(Progress.self, from: data) } catch let error as DecodingError {
                throw PreferenceRunSettingsError.malformed(file.path, describe(error))
            }
            guard progress.format <= 1 else { throw PreferenceRunSettingsError.newerFormat(file.path, progress.format) }
            return progress
        }
    }

    /// The loop's state now.
    public var progress: Progress {
        Progress(round: round, labelsUsed: labelsUsed, askedQueryIDs: askedQueryIDs, fitted: normalized,
                 generator: generator, entropyScale: entropyScale)
    }

    /// Whether the reward model has been fitted to at least one answer.
    public var hasFitted: Bool { normalized }

    /// Continues from `progress`: the schedule and budget where they were, and the answers to this
    /// run's queries read back from the store (replaying their episodes), so the next fit uses them all.
    public func resume(from progress: Progress) throws {
        round = progress.round
        labelsUsed = progress.labelsUsed
        askedQueryIDs = progress.askedQueryIDs
        normalized = progress.fitted
        generator = progress.generator
        entropyScale = progress.entropyScale
        let queries = Dictionary(uniqueKeysWithValues: try store.queries().map { ($0.id, $0) })
        var episodes: [Int64: Episode] = [:]
        func segment(_ reference: SegmentReference) throws -> Segment {
            if episodes[reference.episode] == nil {
                episodes[reference.episode] = try Rollout.replay(try store.episode(reference.episode), in: tasks, keepObservations: true).episode
            }
            return Segment.cut(episodes[reference.episode]!, start: reference.start, length: reference.length, reference: reference)
        }
        for id in askedQueryIDs {
            guard let query = queries[id] else {
                throw PreferenceRunSettingsError.malformed(store.path, "the run asked query \(id), which the label store no longer holds")
            }
            let segments = (first: try segment(query.first), second: try segment(query.second))
            if answerer.answersLater {
                asked[id] = segments
            } else {
                for answer in try store.answers(queryID: id) {
                    if let pair = PreferencePair(first: segments.first, second: segments.second, answer: answer.answer) { pairs.append(pair) }
                }
            }
        }
    }
}
