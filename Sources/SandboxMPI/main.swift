// sandbox-mpi: the sandbox command line as one rank of an MPI job (mpirun -np N sandbox-mpi …).
//   sweep SPEC.json [--out DIR]       rank 0 hands out runs as ranks become free (and runs some itself)
//   qdhf --distributed …              every rank evaluates its share of each batch; rank 0 writes
// Built only where Open MPI is installed (see Package.swift); `sandbox` never links MPI.
import Foundation
import SandboxCLI
internal import CMPIShim

guard sandbox_mpi_init() == 0 else {
    FileHandle.standardError.write(Data("sandbox-mpi: error: MPI_Init failed; start it with mpirun -np N sandbox-mpi …\n".utf8))
    exit(1)
}
let rank = Int(sandbox_mpi_rank()), size = Int(sandbox_mpi_size())
let words = Array(CommandLine.arguments.dropFirst())
SandboxCLI.ranks = DistributedRanks(rank: rank, size: size, allGather: { bytes in MPIMessages.allGather(bytes) })

var status: Int32
switch words.first {
case "sweep":
    status = MPISweep(rank: rank, size: size).run(Array(words.dropFirst()))
case "qdhf":
    status = MPIQDHF.run(words, rank: rank)
case nil, "--help", "-h", "help":
    if rank == 0 {
        print("""
        usage: mpirun -np N sandbox-mpi sweep SPEC.json [--out DIR]
               mpirun -np N sandbox-mpi qdhf --distributed … --out DIR
        The sandbox command line as one rank of an MPI job; see `sandbox sweep --help` and `sandbox qdhf --help`.
        """)
    }
    status = words.isEmpty ? 2 : 0
default:
    if rank == 0 {
        FileHandle.standardError.write(Data("sandbox-mpi: error: '\(words[0])' does not run under MPI; use sweep or qdhf --distributed (other commands: sandbox)\n".utf8))
    }
    status = 2
}
sandbox_mpi_finalize()
exit(status)
