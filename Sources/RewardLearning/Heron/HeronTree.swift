/// HERON's comparison tree (Bukharin et al., arXiv 2309.02632): two behaviours are compared on the
/// most important level of a `RewardHierarchy` first; the one that exceeds the other there by more
/// than the level's margin δ wins; otherwise the next level decides; when every level ties, the pair
/// is dropped (or, optionally, counted as equal).
public struct HeronTree: Sendable {
    public let hierarchy: RewardHierarchy
    /// Count an all-levels tie as "equal" (target 0.5) instead of dropping the pair.
    public var tiesAsEqual = false

    public init(hierarchy: RewardHierarchy, tiesAsEqual: Bool = false) {
        self.hierarchy = hierarchy
        self.tiesAsEqual = tiesAsEqual
    }

    /// The outcome of one comparison.
    public enum Decision: Equatable, Sendable {
        /// Decided at `level` (0 = most important): whether the first is preferred.
        case decided(firstPreferred: Bool, level: Int)
        /// Every level tied.
        case tie
    }

    /// The margins δ_l for this comparison: absolute margins as they are; standard-deviation margins
    /// times `bufferScales` (the levels' standard deviations over everything seen) or `batchScales`
    /// (within the minibatch).
    public func margins(bufferScales: [Double], batchScales: [Double]) -> [Double] {
        hierarchy.levels.enumerated().map { l, level in
            switch level.scope {
            case .absolute: return level.margin
            case .buffer: return level.margin * bufferScales[l]
            case .batch: return level.margin * batchScales[l]
            }
        }
    }

    /// Compares two behaviours by their level values (`RewardHierarchy.Level.value`: sign × summed
    /// terms), with margins `deltas`.
    public func decide(_ first: [Double], _ second: [Double], deltas: [Double]) -> Decision {
        for l in 0..<hierarchy.levels.count {
            let difference = first[l] - second[l]
            if abs(difference) > deltas[l] { return .decided(firstPreferred: difference > 0, level: l) }
        }
        return .tie
    }

    /// Level values (sign × Σ terms) from term values in the task's term order `termNames`.
    public func levelValues(terms: [Double], termNames: [String]) -> [Double] {
        hierarchy.levels.map { level in
            Double(level.sign) * level.terms.reduce(0) { sum, name in sum + (termNames.firstIndex(of: name).map { terms[$0] } ?? 0) }
        }
    }
}

/// The population standard deviation of each column of `rows`.
func columnStandardDeviations(_ rows: [[Double]], columns: Int) -> [Double] {
    guard rows.count > 1 else { return [Double](repeating: 0, count: columns) }
    return (0..<columns).map { c in
        let mean = rows.reduce(0) { $0 + $1[c] } / Double(rows.count)
        return (rows.reduce(0) { $0 + ($1[c] - mean) * ($1[c] - mean) } / Double(rows.count)).squareRoot()
    }
}
