import Foundation
import SandboxCore

extension LabelStore {
    /// What `addRandomPairQueries` stored.
    public struct RandomPairs: Equatable, Sendable {
        /// Distinct segments the pairs were drawn from.
        public var segments: Int
        /// Pair queries added.
        public var newPairs: Int
        /// Pairs of these segments the store held already (not drawn again).
        public var storedPairs: Int
    }

    /// The distinct segments of `episodes` cut at their starts, in order, with the index of the episode
    /// each comes from (equal episodes, by digest, give their segments once): what
    /// `addRandomPairQueries` draws pairs from, so at most n(n − 1)/2 pairs for n of them.
    public static func distinctSegments(_ episodes: [(record: EpisodeRecord, starts: [Int])], segmentLength: Int)
        -> [(episode: Int, identity: QueryIdentity.Segment)] {
        var segments: [(episode: Int, identity: QueryIdentity.Segment)] = []
        var seen: Set<QueryIdentity.Segment> = []
        for (index, episode) in episodes.enumerated() {
            for start in episode.starts {
                let identity = QueryIdentity.Segment(digest: episode.record.digest, start: start, length: segmentLength)
                if seen.insert(identity).inserted { segments.append((index, identity)) }
            }
        }
        return segments
    }

    /// Stores `count` pair queries drawn uniformly from the pairs of distinct segments of `episodes`
    /// (each cut at its `starts` into segments of `segmentLength` steps), never a pair the store already
    /// holds — in either order (`QueryIdentity`) — and never one twice, with the episodes and segments
    /// they need (an episode already stored, by digest, is reused). One transaction: nothing is written
    /// when the segments give fewer than `count` new pairs (`LabelStoreError.tooFewPairs`).
    @discardableResult
    public func addRandomPairQueries(_ episodes: [(record: EpisodeRecord, starts: [Int])], segmentLength: Int, count: Int,
                                     using generator: inout SeededGenerator) throws -> RandomPairs {
        try dbTransaction {
            let segments = Self.distinctSegments(episodes, segmentLength: segmentLength)
            let index = Dictionary(uniqueKeysWithValues: segments.enumerated().map { ($0.element.identity, $0.offset) })
            func key(_ i: Int, _ j: Int) -> [Int] { [Swift.min(i, j), Swift.max(i, j)] }
            var taken: Set<[Int]> = []
            for identity in try queryIdentities().keys where identity.kind == .pair {
                if let i = index[identity.first], let j = index[identity.second], i != j { taken.insert(key(i, j)) }
            }
            let stored = taken.count
            let n = segments.count
            let available = n * (n - 1) / 2 - stored
            guard count <= available else { throw LabelStoreError.tooFewPairs(requested: count, available: available, segments: n) }

            var chosen: [(Int, Int)] = []
            while chosen.count < count {
                let i = generator.integer(0, n)
                var j = generator.integer(0, n - 1)
                if j >= i { j += 1 }
                if taken.insert(key(i, j)).inserted { chosen.append((i, j)) }
            }

            var episodeIDs = try episodeIDsByDigest()
            var segmentIDs: [Int64] = []
            for (episode, identity) in segments {
                let id = try addEpisodeOnce(episodes[episode].record, known: &episodeIDs)
                segmentIDs.append(try addSegmentOnce(SegmentReference(episode: id, start: identity.start, length: identity.length)))
            }
            for (i, j) in chosen { try addQuery(kind: .pair, first: segmentIDs[i], second: segmentIDs[j]) }
            return RandomPairs(segments: n, newPairs: count, storedPairs: stored)
        }
    }
}
