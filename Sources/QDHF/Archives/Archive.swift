import Foundation
import SandboxCore
import Rendering
import PhysicsEnvs

/// What happened to a solution offered to an archive.
public enum AdditionStatus: Int, Sendable, Codable {
    /// Not added: its cell holds a better elite.
    case notAdded = 0
    /// Replaced a worse elite in its cell.
    case improved = 1
    /// Filled an empty cell.
    case new = 2
}

/// The best solution found for one cell.
public struct Elite: Sendable, Equatable {
    public var cell: Int
    public var solution: [Float]
    public var objective: Double
    public var measures: [Double]
}

/// An archive keeps the best solution (the elite) per cell of a measure space (pyribs' archive role).
public protocol Archive: AnyObject {
    /// Number of cells.
    var cellCount: Int { get }
    var solutionSize: Int { get }
    var measureSize: Int { get }
    /// The cell for a measure vector (values outside the bounds go to edge cells).
    func cell(for measures: [Double]) -> Int
    /// The elite of a cell, if any.
    func elite(at cell: Int) -> Elite?
    var elites: [Elite] { get }
    /// Offers a solution; returns what happened and the objective improvement over the cell's
    /// previous elite (the full objective for a new cell, minus the threshold).
    @discardableResult
    func add(solution: [Float], objective: Double, measures: [Double]) -> (status: AdditionStatus, improvement: Double)
    func clear()
    /// Number of filled cells.
    var eliteCount: Int { get }
    /// A uniformly chosen elite, in constant time.
    func randomElite(using generator: inout SeededGenerator) -> Elite?
}

extension Archive {
    /// Offers a batch of solutions.
    @discardableResult
    public func add(solutions: [[Float]], objectives: [Double], measures: [[Double]]) -> [(status: AdditionStatus, improvement: Double)] {
        precondition(solutions.count == objectives.count && objectives.count == measures.count, "batch arrays differ in length")
        return (0..<solutions.count).map { add(solution: solutions[$0], objective: objectives[$0], measures: measures[$0]) }
    }

    /// Fraction of cells holding an elite.
    public var coverage: Double { Double(eliteCount) / Double(cellCount) }

    /// QD score as the issue defines it: Σ objective over filled cells / number of cells.
    public var qdScore: Double { elites.reduce(0) { $0 + $1.objective } / Double(cellCount) }

}

/// Per-cell storage shared by the archives: flat arrays, so that adding is a few comparisons.
final class EliteTable {
    let cells: Int
    let solutionSize: Int
    let measureSize: Int
    var occupied: [Bool]
    var objectives: [Double]
    var solutions: [Float]
    var measures: [Double]
    private(set) var filled: [Int] = []
    private var position: [Int]

    init(cells: Int, solutionSize: Int, measureSize: Int) {
        self.cells = cells
        self.solutionSize = solutionSize
        self.measureSize = measureSize
        occupied = Array(repeating: false, count: cells)
        objectives = Array(repeating: -.infinity, count: cells)
        solutions = Array(repeating: 0, count: cells * solutionSize)
        measures = Array(repeating: 0, count: cells * measureSize)
        position = Array(repeating: -1, count: cells)
    }

    func offer(cell: Int, solution: [Float], objective: Double, measures m: [Double]) -> (status: AdditionStatus, improvement: Double) {
        precondition(solution.count == solutionSize, "solution has \(solution.count) values, the archive holds \(solutionSize)")
        precondition(m.count == measureSize, "measures have \(m.count) values, the archive has \(measureSize) dimensions")
        guard objective.isFinite else { return (.notAdded, 0) }
        let status: AdditionStatus
        let improvement: Double
        if !occupied[cell] {
            status = .new
            improvement = objective
            occupied[cell] = true
            position[cell] = filled.count
            filled.append(cell)
        } else if objective > objectives[cell] {
            status = .improved
            improvement = objective - objectives[cell]
        } else {
            return (.notAdded, objective - objectives[cell])
        }
        objectives[cell] = objective
        for i in 0..<solutionSize { solutions[cell * solutionSize + i] = solution[i] }
        for i in 0..<measureSize { measures[cell * measureSize + i] = m[i] }
        return (status, improvement)
    }

    func elite(_ cell: Int) -> Elite? {
        guard occupied[cell] else { return nil }
        return Elite(cell: cell, solution: Array(solutions[(cell * solutionSize)..<((cell + 1) * solutionSize)]),
                     objective: objectives[cell], measures: Array(measures[(cell * measureSize)..<((cell + 1) * measureSize)]))
    }

    var elites: [Elite] { filled.compactMap(elite) }

    func randomElite(using generator: inout SeededGenerator) -> Elite? {
        filled.isEmpty ? nil : elite(filled[generator.integer(0, filled.count)])
    }

    func clear() {
        occupied = Array(repeating: false, count: cells)
        objectives = Array(repeating: -.infinity, count: cells)
        position = Array(repeating: -1, count: cells)
        filled = []
    }
}
