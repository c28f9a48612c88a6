import Foundation
import SandboxCLI
internal import CMPIShim

/// A sweep over MPI ranks. Rank 0's main thread hands out runs (the index of each, as ranks report
/// free) and its second thread runs some itself; the other ranks run what they are given, in process,
/// each in its own folder. Rank 0 merges at the end. A rank that dies loses only its current run
/// (no summary is written for it), which a rerun redoes; finished runs are skipped.
struct MPISweep {
    let rank: Int
    let size: Int

    func run(_ words: [String]) -> Int32 {
        // Every rank reads the sweep file; only rank 0 reports problems with it.
        let runner: SweepRunner
        do { runner = try SandboxCLI.sweepRunner(arguments: words) } catch {
            if rank == 0 { fail(error) }
            return SandboxCLI.errorReport(error).status
        }
        let runs = runner.specification.runs
        return rank == 0 ? coordinate(runner, runs) : work(runner, runs)
    }

    /// Rank 0: hands out the unfinished runs, runs some on a second thread, then merges.
    func coordinate(_ runner: SweepRunner, _ runs: [SweepRun]) -> Int32 {
        let pending = runs.indices.filter { runner.summary(of: runs[$0]) == nil }
        print("sweep on \(size) MPI ranks: \(runs.count) runs, \(runs.count - pending.count) already finished, \(pending.count) to run → \(runner.folder.path)")
        fflush(stdout)
        let queue = RunQueue(pending)
        let start = Date()
        // Rank 0's own share, on a thread of its own (only this main thread calls MPI).
        let local = Thread {
            while let index = queue.take() { queue.finished(runs[index].name, Self.execute(runner, runs[index])) }
            queue.localDone()
        }
        local.start()
        var stopped = 0
        while stopped < size - 1 || !queue.isLocalDone {
            guard let message = MPIMessages.poll() else {
                usleep(2000)  // no busy wait: this rank's core is running a run too
                continue
            }
            if message.tag == .ready, !message.text.isEmpty {
                let parts = message.text.split(separator: "\t", maxSplits: 1).map(String.init)
                queue.finished(parts[0], parts.count > 1 ? parts[1] : nil)
            }
            if let index = queue.take() {
                MPIMessages.send(String(index), to: message.source, tag: .work)
            } else {
                MPIMessages.send("", to: message.source, tag: .stop)
                stopped += 1
            }
        }
        let seconds = Date().timeIntervalSince(start)
        do {
            let merged = try runner.merge()
            print(merged.table, terminator: "")
            print(String(format: "%d of %d runs finished (%d this time, %.1f s on %d ranks); table %@", merged.finished, merged.total,
                         queue.done, seconds, size, runner.folder.appendingPathComponent("sweep.md").path))
        } catch {
            fail(error)
            return 1
        }
        for failure in queue.failures { FileHandle.standardError.write(Data("sandbox-mpi: run failed: \(failure)\n".utf8)) }
        return queue.failures.isEmpty ? 0 : 1
    }

    /// A worker rank: asks for runs until told to stop.
    func work(_ runner: SweepRunner, _ runs: [SweepRun]) -> Int32 {
        MPIMessages.send("", to: 0, tag: .ready)
        while true {
            let message = MPIMessages.wait(from: 0)
            guard message.tag == .work, let index = Int(message.text), runs.indices.contains(index) else { return 0 }
            let failure = Self.execute(runner, runs[index])
            MPIMessages.send(runs[index].name + (failure.map { "\t" + $0 } ?? ""), to: 0, tag: .ready)
        }
    }

    /// Runs one run in this process; returns its failure, if any.
    static func execute(_ runner: SweepRunner, _ run: SweepRun) -> String? {
        do {
            try runner.execute(run, .inProcess)
            return nil
        } catch {
            return SandboxCLI.errorReport(error).message
        }
    }

    func fail(_ error: any Error) {
        FileHandle.standardError.write(Data("sandbox-mpi: error: \(SandboxCLI.errorReport(error).message)\n".utf8))
    }
}

/// The runs still to hand out, and what came back.
final class RunQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [Int]
    private(set) var failures: [String] = []
    private(set) var done = 0
    private var local = false

    init(_ pending: [Int]) { self.pending = pending }

    func take() -> Int? { lock.withLock { pending.isEmpty ? nil : pending.removeFirst() } }
    func finished(_ name: String, _ failure: String?) {
        lock.withLock {
            done += 1
            if let failure { failures.append("\(name): \(failure)") }
        }
    }
    func localDone() { lock.withLock { local = true } }
    var isLocalDone: Bool { lock.withLock { local } }
}
