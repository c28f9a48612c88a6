import Foundation
import QDHF

/// The ranks of an MPI job, as the `sandbox-mpi` executable provides them (nil in `sandbox`, which
/// never links MPI). Set once, before any command runs.
public struct DistributedRanks: Sendable {
    public let rank: Int
    public let size: Int
    /// Every rank's bytes, in rank order, on every rank (MPI_Allgatherv).
    public let allGather: @Sendable ([UInt8]) -> [[UInt8]]

    public init(rank: Int, size: Int, allGather: @escaping @Sendable ([UInt8]) -> [[UInt8]]) {
        self.rank = rank
        self.size = size
        self.allGather = allGather
    }

    /// Evaluates `solutions` across the ranks: rank r takes solutions r, r + size, …, on its own cores;
    /// the results are gathered to every rank in the solutions' order, so every rank goes on with the
    /// same archive (and rank 0's files are byte-identical to a one-process run).
    public func evaluate(_ solutions: [[Float]], with domain: any QDDomain) throws -> [QDEvaluation] {
        let mine = Array(stride(from: rank, to: solutions.count, by: size))
        let local = evaluateInParallel(mine.map { solutions[$0] }) { solution in Result { try domain.evaluate(solution) } }
        let encoded = try JSONEncoder().encode(try zip(mine, local).map { Item(index: $0, evaluation: try $1.get()) })
        var results = [QDEvaluation?](repeating: nil, count: solutions.count)
        for bytes in allGather([UInt8](encoded)) {
            for item in try JSONDecoder().decode([Item].self, from: Data(bytes)) { results[item.index] = item.evaluation }
        }
        return try results.map { result in
            guard let result else { throw DistributedError.missingEvaluation }
            return result
        }
    }

    private struct Item: Codable {
        var index: Int
        var evaluation: QDEvaluation
    }
}

enum DistributedError: Error, CustomStringConvertible {
    case missingEvaluation
    case notUnderMPI
    var description: String {
        switch self {
        case .missingEvaluation: return "a rank's evaluations did not arrive; the ranks ran different programs or seeds"
        case .notUnderMPI: return "qdhf --distributed spreads evaluations over MPI ranks: run it as `mpirun -np N sandbox-mpi qdhf --distributed ...` (sandbox-mpi is built when Open MPI is installed)"
        }
    }
}

extension SandboxCLI {
    /// The MPI job this process is a rank of, when `sandbox-mpi` runs it.
    nonisolated(unsafe) public static var ranks: DistributedRanks?
}
