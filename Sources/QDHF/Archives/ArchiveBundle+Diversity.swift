import Foundation

extension ArchiveBundle {
    /// Up to `count` elites spread over the archive, for contact sheets: farthest-point sampling over
    /// the elites' measures, each measure scaled to 0…1 by the archive's bounds, starting from the best
    /// elite. Each next pick is the elite farthest from all picked so far; ties go to the better elite,
    /// so the choice is deterministic (no random numbers). Returns indices into `elites`, best first.
    public func diverseElites(count: Int) -> [Int] {
        guard count > 0, !elites.isEmpty else { return [] }
        guard count < elites.count else { return Array(elites.indices) }
        let dimensions = archive.lowerBounds.count
        let scaled: [[Double]] = elites.map { entry in
            (0..<Swift.min(dimensions, entry.measures.count)).map { d in
                let span = archive.upperBounds[d] - archive.lowerBounds[d]
                return span > 0 ? (entry.measures[d] - archive.lowerBounds[d]) / span : 0
            }
        }
        // Elites are stored best first; start from the best.
        let best = elites.indices.max { (elites[$0].objective, -$0) < (elites[$1].objective, -$1) }!
        var picks = [best]
        var nearest = scaled.map { Self.squaredDistance($0, scaled[best]) }
        while picks.count < count {
            var next = -1
            for i in elites.indices where nearest[i] > 0 {
                if next < 0 || nearest[i] > nearest[next]
                    || (nearest[i] == nearest[next] && elites[i].objective > elites[next].objective) { next = i }
            }
            guard next >= 0 else { break }  // the rest sit on picked points
            picks.append(next)
            for i in elites.indices { nearest[i] = Swift.min(nearest[i], Self.squaredDistance(scaled[i], scaled[next])) }
        }
        return picks.sorted { (elites[$0].objective, -$0) > (elites[$1].objective, -$1) }
    }

    static func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    }

    /// A contact-sheet label for an elite: its index, measures and objective, e.g. "#3 (−0.42, 0.31) obj 73.2".
    public func tileLabel(_ i: Int) -> String {
        let e = elites[i]
        let measures = e.measures.map { String(format: "%.2f", $0) }.joined(separator: ", ")
        return "#\(e.index) (\(measures)) obj " + String(format: "%.1f", e.objective)
    }
}
