import SandboxCore
import Rendering
import PhysicsEnvs

/// Cells are the Voronoi regions of k centroids in measure space, placed by k-means on uniform samples
/// of the bounds (pyribs' `CVTArchive`). Lookup is by nearest centroid.
public final class CVTArchive: Archive {
    public let centroids: [[Double]]
    public let solutionSize: Int
    public let measureSize: Int
    public var cellCount: Int { table.cells }
    private let table: EliteTable

    /// - Parameters:
    ///   - cells: number of centroids.
    ///   - samples: uniform samples for k-means (pyribs defaults to 100,000).
    public init<G: RandomNumberGenerator>(solutionSize: Int, cells: Int, ranges: [ClosedRange<Double>], samples: Int = 20_000,
                                          iterations: Int = 20, using generator: inout G) {
        precondition(cells > 0 && samples >= cells, "a CVT needs at least as many samples as cells")
        let d = ranges.count
        let points = (0..<samples).map { _ in ranges.map { Double.random(in: $0, using: &generator) } }
        var centers = Array(points.prefix(cells))
        for _ in 0..<iterations {
            var sums = Array(repeating: Array(repeating: 0.0, count: d), count: cells)
            var counts = Array(repeating: 0, count: cells)
            for p in points {
                let c = Self.nearest(p, in: centers)
                counts[c] += 1
                for i in 0..<d { sums[c][i] += p[i] }
            }
            for c in 0..<cells where counts[c] > 0 { centers[c] = sums[c].map { $0 / Double(counts[c]) } }
        }
        centroids = centers
        self.solutionSize = solutionSize
        measureSize = d
        table = EliteTable(cells: cells, solutionSize: solutionSize, measureSize: d)
    }

    static func nearest(_ p: [Double], in centers: [[Double]]) -> Int {
        var best = 0, bestDistance = Double.infinity
        for (c, center) in centers.enumerated() {
            var distance = 0.0
            for i in 0..<p.count { let e = p[i] - center[i]; distance += e * e }
            if distance < bestDistance { bestDistance = distance; best = c }
        }
        return best
    }

    public func cell(for measures: [Double]) -> Int { Self.nearest(measures, in: centroids) }
    public func elite(at cell: Int) -> Elite? { table.elite(cell) }
    public var elites: [Elite] { table.elites }
    public var eliteCount: Int { table.filled.count }
    public func randomElite(using generator: inout SeededGenerator) -> Elite? { table.randomElite(using: &generator) }

    @discardableResult
    public func add(solution: [Float], objective: Double, measures: [Double]) -> (status: AdditionStatus, improvement: Double) {
        table.offer(cell: cell(for: measures), solution: solution, objective: objective, measures: measures)
    }

    public func clear() { table.clear() }
}
