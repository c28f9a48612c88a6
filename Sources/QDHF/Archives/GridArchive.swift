import SandboxCore
import Rendering
import PhysicsEnvs

/// A grid over a box of measure space: each dimension split into equal bins (pyribs' `GridArchive`).
/// Measures outside the box fall in the edge cells (QDHF clips out-of-range values this way).
public final class GridArchive: Archive {
    public let dimensions: [Int]
    public private(set) var lowerBounds: [Double]
    public private(set) var upperBounds: [Double]
    public let solutionSize: Int
    public var measureSize: Int { dimensions.count }
    public var cellCount: Int { table.cells }
    private let table: EliteTable

    public init(solutionSize: Int, dimensions: [Int], ranges: [ClosedRange<Double>]) {
        precondition(!dimensions.isEmpty && dimensions.count == ranges.count, "one range per grid dimension")
        precondition(dimensions.allSatisfy { $0 > 0 }, "grid dimensions must be positive")
        precondition(ranges.allSatisfy { $0.upperBound > $0.lowerBound }, "each range needs upper > lower")
        self.dimensions = dimensions
        self.solutionSize = solutionSize
        lowerBounds = ranges.map(\.lowerBound)
        upperBounds = ranges.map(\.upperBound)
        table = EliteTable(cells: dimensions.reduce(1, *), solutionSize: solutionSize, measureSize: dimensions.count)
    }

    /// Bin index per dimension (clipped into the grid).
    public func bins(for measures: [Double]) -> [Int] {
        (0..<dimensions.count).map { d in
            let fraction = (measures[d] - lowerBounds[d]) / (upperBounds[d] - lowerBounds[d])
            if fraction.isNaN { return 0 }
            // Clamp before converting, so that ±∞ land in the edge cells.
            let scaled = Swift.min(Swift.max(fraction * Double(dimensions[d]), 0), Double(dimensions[d] - 1))
            return Int(scaled.rounded(.down))
        }
    }

    public func cell(for measures: [Double]) -> Int {
        precondition(measures.count == dimensions.count, "measures have \(measures.count) values, the grid has \(dimensions.count) dimensions")
        var index = 0
        for (d, bin) in bins(for: measures).enumerated() { index = index * dimensions[d] + bin }
        return index
    }

    public func elite(at cell: Int) -> Elite? { table.elite(cell) }
    public var elites: [Elite] { table.elites }
    public var eliteCount: Int { table.filled.count }
    public func randomElite(using generator: inout SeededGenerator) -> Elite? { table.randomElite(using: &generator) }

    @discardableResult
    public func add(solution: [Float], objective: Double, measures: [Double]) -> (status: AdditionStatus, improvement: Double) {
        table.offer(cell: cell(for: measures), solution: solution, objective: objective, measures: measures)
    }

    public func clear() { table.clear() }

    /// Re-bounds the grid (QDHF after refitting its measures); the archive is emptied.
    public func setBounds(_ ranges: [ClosedRange<Double>]) {
        precondition(ranges.count == dimensions.count && ranges.allSatisfy { $0.upperBound > $0.lowerBound }, "one increasing range per dimension")
        lowerBounds = ranges.map(\.lowerBound)
        upperBounds = ranges.map(\.upperBound)
        clear()
    }
}
