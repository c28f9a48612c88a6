import Foundation
import SandboxCore

extension ArchiveBundle {
    /// The largest grid a bundle may describe, in cells (a million: far beyond the paper's 50 × 50 and
    /// small enough to hold in memory).
    public static let maximumCells = 1_000_000

    /// The domain must be one this build has, showing the same task, version and policy width.
    func checkDomain() throws(BundleError) {
        guard let domain = QDDomains.make(self.domain) else { throw .unknownDomain(self.domain) }
        let (name, version) = TaskRegistry.parse(domain.task)
        guard task == domain.task || task == name else {
            throw .inconsistent("the \(self.domain) domain shows \(domain.task), but the manifest names task \(task)")
        }
        if let version, taskVersion != version {
            throw .inconsistent("the manifest's task_version is \(taskVersion), but this build's \(self.domain) domain runs \(name)-v\(version); export the archive again with this build")
        }
        guard solutionSize == domain.solutionSize else {
            throw .inconsistent("solution_size is \(solutionSize), but a policy of the \(self.domain) domain has \(domain.solutionSize) parameters")
        }
    }

    /// Dimensions from 1 cell up, at most `maximumCells` in all, with finite increasing bounds.
    func checkArchiveShape() throws(BundleError) {
        let shape = archive
        guard shape.type == "grid" else { throw .inconsistent("archive type '\(shape.type)' is not one this build reads (grid)") }
        guard !shape.dimensions.isEmpty, shape.dimensions.count <= 8 else {
            throw .inconsistent("the archive has \(shape.dimensions.count) dimensions; a grid has 1 to 8")
        }
        guard shape.dimensions.allSatisfy({ $0 >= 1 }) else {
            throw .inconsistent("grid dimensions \(shape.dimensions) must each be at least 1 cell")
        }
        var cells = 1
        for side in shape.dimensions {
            let (product, overflow) = cells.multipliedReportingOverflow(by: side)
            guard !overflow, product <= Self.maximumCells else {
                throw .inconsistent("grid dimensions \(shape.dimensions) make more than \(Self.maximumCells) cells")
            }
            cells = product
        }
        guard shape.dimensions.count == shape.lowerBounds.count, shape.dimensions.count == shape.upperBounds.count else {
            throw .inconsistent("the archive has \(shape.dimensions.count) dimensions but \(shape.lowerBounds.count) lower and \(shape.upperBounds.count) upper bounds")
        }
        guard zip(shape.lowerBounds, shape.upperBounds).allSatisfy({ $0.isFinite && $1.isFinite && $0 < $1 }) else {
            throw .inconsistent("archive bounds must be finite numbers with lower < upper in each dimension")
        }
    }

    /// Each elite: a unique index, finite numbers, measures of the archive's width, and the cell its
    /// measures fall in.
    func checkElites() throws(BundleError) {
        let shape = archive
        let cells = shape.dimensions.reduce(1, *)
        var seen = Set<Int>()
        for entry in elites {
            guard seen.insert(entry.index).inserted else { throw .inconsistent("elite index \(entry.index) appears twice") }
            guard entry.measures.count == shape.dimensions.count else {
                throw .inconsistent("elite \(entry.index) has \(entry.measures.count) measures, the archive \(shape.dimensions.count)")
            }
            guard entry.objective.isFinite, entry.measures.allSatisfy(\.isFinite), entry.groundTruth.allSatisfy(\.isFinite),
                  entry.episodeReturn?.isFinite ?? true else {
                throw .inconsistent("elite \(entry.index) has a value that is not a finite number")
            }
            guard (0..<cells).contains(entry.cell) else {
                throw .inconsistent("elite \(entry.index) is in cell \(entry.cell), outside the grid's \(cells) cells")
            }
            let expected = cell(of: entry.measures)
            guard expected == entry.cell else {
                throw .inconsistent("elite \(entry.index) is recorded in cell \(entry.cell), but its measures fall in cell \(expected)")
            }
        }
    }

    /// The grid cell of `measures` (as `GridArchive.cell(for:)`, edge cells for values outside).
    private func cell(of measures: [Double]) -> Int {
        var index = 0
        for (d, value) in measures.enumerated() {
            let side = archive.dimensions[d]
            let fraction = (value - archive.lowerBounds[d]) / (archive.upperBounds[d] - archive.lowerBounds[d])
            let bin = fraction.isNaN ? 0 : Int(Swift.min(Swift.max(fraction * Double(side), 0), Double(side - 1)).rounded(.down))
            index = index * side + bin
        }
        return index
    }
}
