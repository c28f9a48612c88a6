import Foundation
import SandboxCore

enum SweepCommand {
    static let help = """
    usage: sandbox sweep SPEC.json [--out DIR] [--jobs K] [--shard I/N]
           mpirun -np N sandbox-mpi sweep SPEC.json [--out DIR]

    Runs a sweep: one command (train, pbrl, heron, cpl, qdhf or regret) over a grid of option values
    and seeds, each run in its own folder DIR/runs/cNN-seedS/ (default DIR: runs/sweep-<file name>),
    then merges the runs' final metrics into DIR/sweep.jsonl (one line per run), DIR/sweep.md (per
    configuration: its settings, n, the seeds, and mean ± std of each metric) and DIR/sweep_<metric>.png.
    SPEC.json:
      {"command": "train",
       "options": {"task": "LunarLanderContinuous", "algo": "ppo", "steps": 50000},
       "grid": {"hyperparameter": ["learningRate=0.0003", "learningRate=0.001"]},
       "seeds": [1, 2, 3],
       "metrics": ["eval/return"]}
    Option names are the command's without --; true is a switch; a list repeats an option; "seeds" may
    be a count n (seeds 0…n−1); "metrics" picks the table's columns (default: the usual results found).
    --jobs K     runs K at once on this machine (default: the number of cores), each as a child process.
    --shard I/N  runs only runs I, I+N, I+2N, … (a SLURM job array: --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT);
                 each shard merges what has finished so far.
    Rerunning skips finished runs (those with sweep-run.json) and redoes any other, so a sweep stopped
    or killed part-way is finished by running it again. Under MPI (the sandbox-mpi executable, built
    when Open MPI is installed), rank 0 hands out runs as ranks become free and merges.
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard arguments.positional.count == 1 else { throw UsageError("sweep needs one sweep file: sandbox sweep SPEC.json (see `sandbox sweep --help`)") }
        let file = URL(fileURLWithPath: arguments.positional[0])
        let jobs = try arguments.int("jobs", default: ProcessInfo.processInfo.activeProcessorCount, minimum: 1, maximum: 256)!
        let shard = try arguments.string("shard").map(parseShard)
        let out = arguments.string("out")
        try arguments.checkAllUsed()
        let specification = try SweepSpecification.read(from: file)
        let folder = URL(fileURLWithPath: out ?? "runs/sweep-\(file.deletingPathExtension().lastPathComponent)")
        try prepareOutput(folder.appendingPathComponent("sweep.md").path)
        let runner = SweepRunner(specification: specification, folder: folder)
        let mine = specification.runs.enumerated().filter { shard == nil || $0.offset % shard!.count == shard!.index }.map(\.element)
        let pending = mine.filter { runner.summary(of: $0) == nil }
        print("sweep: \(specification.configurations.count) configurations × \(specification.seeds.count) seeds = \(specification.runs.count) runs"
              + (shard.map { "; shard \($0.index)/\($0.count): \(mine.count)" } ?? "")
              + "; \(mine.count - pending.count) already finished, \(pending.count) to run, \(min(jobs, max(pending.count, 1))) at a time → \(folder.path)")
        fflush(stdout)
        let failures = runLocally(pending, runner: runner, jobs: jobs)
        let merged = try runner.merge()
        print(merged.table, terminator: "")
        print("\(merged.finished) of \(merged.total) runs finished; table \(folder.appendingPathComponent("sweep.md").path)")
        for failure in failures { Console.current.writeError("sandbox: run failed: \(failure)\n") }
        return failures.isEmpty ? 0 : 1
    }

    /// Runs `runs` `jobs` at a time: child processes of the `sandbox` executable beside this one, or
    /// in this process when there is none (a test binary). Returns the failures' messages.
    static func runLocally(_ runs: [SweepRun], runner: SweepRunner, jobs: Int) -> [String] {
        guard !runs.isEmpty else { return [] }
        let execution: SweepRunner.Execution = sandboxExecutable().map { .subprocess($0) } ?? .inProcess
        let progress = ProgressBar("sweep", total: runs.count, plainInterval: 0)
        let lock = NSLock()
        var next = 0, failures: [String] = []
        let console = Console.current
        DispatchQueue.concurrentPerform(iterations: min(jobs, runs.count)) { _ in
            while true {
                let index: Int? = lock.withLock {
                    guard next < runs.count else { return nil }
                    next += 1
                    return next - 1
                }
                guard let index else { return }
                do { try runner.execute(runs[index], execution) } catch {
                    lock.withLock { failures.append("\(error)") }
                }
                lock.withLock { Console.$current.withValue(console) { progress.advance() } }
            }
        }
        progress.finish()
        return failures
    }

    /// The `sandbox` executable beside the running one (this program, or the test binary's build folder).
    static func sandboxExecutable() -> URL? {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")).map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: CommandLine.arguments[0])
        let candidate = me.deletingLastPathComponent().appendingPathComponent("sandbox")
        return FileManager.default.isExecutableFile(atPath: candidate.path) ? candidate : nil
    }

    static func parseShard(_ text: String) throws -> (index: Int, count: Int) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, index >= 0, index < count else {
            throw SweepError.badShard(text)
        }
        return (index, count)
    }
}

extension SandboxCLI {
    /// The sweep that `sweep SPEC.json [--out DIR]` (the words after `sweep`) names, for an MPI rank
    /// that hands its runs out itself.
    public static func sweepRunner(arguments words: [String]) throws -> SweepRunner {
        var arguments = try Arguments(words, command: "sweep")
        guard arguments.positional.count == 1 else { throw UsageError("sweep needs one sweep file: sandbox-mpi sweep SPEC.json [--out DIR]") }
        let file = URL(fileURLWithPath: arguments.positional[0])
        let out = arguments.string("out")
        try arguments.checkAllUsed()
        let specification = try SweepSpecification.read(from: file)
        let folder = URL(fileURLWithPath: out ?? "runs/sweep-\(file.deletingPathExtension().lastPathComponent)")
        try prepareOutput(folder.appendingPathComponent("sweep.md").path)
        return SweepRunner(specification: specification, folder: folder)
    }

    /// An error as the one line `sandbox` prints and its exit status (2: called wrongly, 1: failed).
    public static func errorReport(_ error: any Error) -> (message: String, status: Int32) {
        report(error)
    }
}
