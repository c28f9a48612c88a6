import Foundation
import SandboxCLI

/// `qdhf --distributed` on every rank: all ranks run the same experiment, each evaluating its share of
/// every batch (`DistributedRanks.evaluate`); rank 0 prints and writes the run, the others write to a
/// scratch folder that is removed after.
enum MPIQDHF {
    static func run(_ words: [String], rank: Int) -> Int32 {
        guard words.contains("--distributed") else {
            if rank == 0 {
                FileHandle.standardError.write(Data("sandbox-mpi: error: under MPI, qdhf needs --distributed (each rank evaluates part of every batch); a one-process run is `sandbox qdhf`\n".utf8))
            }
            return 2
        }
        if rank == 0 { return SandboxCLI.run(words) }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-mpi-rank\(rank)-\(getpid())")
        var argv = words
        if let at = argv.firstIndex(of: "--out"), at + 1 < argv.count { argv[at + 1] = scratch.path } else { argv += ["--out", scratch.path] }
        let status = SandboxCLI.run(argv, console: Console(capturingWithInput: nil))
        try? FileManager.default.removeItem(at: scratch)
        return status
    }
}
