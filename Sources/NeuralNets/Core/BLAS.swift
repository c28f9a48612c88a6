internal import CBLAS
internal import CKernels
import Foundation

/// OpenBLAS, configured from one place.
///
/// Threads default to 1 per process: the sandbox parallelises across environments and processes,
/// and small matrices run fastest on one thread. Set `SANDBOX_BLAS_THREADS` or call
/// `BLAS.setThreadCount(_:)` to raise it.
public enum BLAS {
    /// The environment variable read on first use.
    public static let threadsVariable = "SANDBOX_BLAS_THREADS"

    private static let configured: Void = {
        let requested = ProcessInfo.processInfo.environment[threadsVariable].flatMap(Int.init) ?? 1
        openblas_set_num_threads(Int32(Swift.max(1, requested)))
        // Activations of large batches are tens of megabytes and are freed and reallocated every step.
        // glibc would hand each back to the kernel and fault it in again page by page; keeping them on
        // the heap makes a training step reuse the same memory.
        ckernels_configure_allocator()
    }()

    /// Applies the default (or `SANDBOX_BLAS_THREADS`) once; every product calls this.
    static func ensureConfigured() { _ = configured }

    public static func setThreadCount(_ count: Int) {
        ensureConfigured()
        openblas_set_num_threads(Int32(Swift.max(1, count)))
    }

    public static var threadCount: Int {
        ensureConfigured()
        return Int(openblas_get_num_threads())
    }

    /// C = alpha · op(A) · op(B) + beta · C, row-major. op(A) is M×K, op(B) is K×N, C is M×N.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        beta: Float, c: UnsafeMutablePointer<Float>
    ) {
        ensureConfigured()
        guard m > 0, n > 0 else { return }
        if k == 0 {
            if beta == 0 { c.update(repeating: 0, count: m * n) } else if beta != 1 { for i in 0..<(m * n) { c[i] *= beta } }
            return
        }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(transposeA ? m : k), b, Int32(transposeB ? k : n),
                    beta, c, Int32(n))
    }

    /// GFLOP/s of a plain n×n single-precision product, best of a few runs (for benchmarks).
    public static func measureGemmRate(size n: Int, seconds: Double = 1) -> Double {
        var generator = SystemRandomNumberGenerator()
        let a = (0..<(n * n)).map { _ in Float.random(in: -1...1, using: &generator) }
        let b = (0..<(n * n)).map { _ in Float.random(in: -1...1, using: &generator) }
        var c = [Float](repeating: 0, count: n * n)
        var best = 0.0
        let start = Date()
        repeat {
            let t0 = Date()
            var repetitions = 0
            repeat {
                c.withUnsafeMutableBufferPointer { pc in
                    gemm(transposeA: false, transposeB: false, m: n, n: n, k: n, a: a, b: b, beta: 0, c: pc.baseAddress!)
                }
                repetitions += 1
            } while Date().timeIntervalSince(t0) < 0.1
            best = Swift.max(best, 2 * Double(n * n * n) * Double(repetitions) / Date().timeIntervalSince(t0) / 1e9)
        } while Date().timeIntervalSince(start) < seconds
        return best
    }
}
