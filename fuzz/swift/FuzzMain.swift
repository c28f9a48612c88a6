import Foundation
import FuzzTargets

/// The fuzzer of issue 23: `sandbox-fuzz TARGET [libFuzzer options] [CORPUS_DIR ...]`, where TARGET is one
/// of `FuzzTarget`'s names (episode-record, safetensors, label-import, bundle-manifest, hierarchy,
/// arguments).
///
/// Built by `make fuzz` with `-D FUZZING -sanitize=fuzzer`, it hands the rest of the command line to
/// libFuzzer (`LLVMFuzzerRunDriver`), which feeds the target mutated inputs until a crash or its time
/// limit. In an ordinary build (no sanitizer, no libFuzzer) it runs the target once on each FILE given
/// and says whether the parser accepted or refused it: the way to replay a crashing input under a debugger.
@main
enum FuzzMain {
    static func main() {
        var arguments = CommandLine.arguments
        guard arguments.count >= 2, let target = FuzzTarget(rawValue: arguments[1]) else {
            FileHandle.standardError.write(Data("""
            usage: sandbox-fuzz TARGET [libFuzzer options] [CORPUS_DIR ...]   (a build of `make fuzz`)
                   sandbox-fuzz TARGET FILE ...                                (an ordinary build: run each file once)
            targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))

            """.utf8))
            exit(2)
        }
        arguments.remove(at: 1)
        #if FUZZING
        selectedTarget = target
        exit(runLibFuzzer(arguments))
        #else
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("\(path): cannot read")
                exit(1)
            }
            do {
                try target.run(data)
                print("\(path): accepted")
            } catch {
                print("\(path): refused: \(error)")
            }
        }
        #endif
    }
}

#if FUZZING
/// The target libFuzzer's callback runs; set once, before libFuzzer starts.
nonisolated(unsafe) private var selectedTarget = FuzzTarget.arguments

/// libFuzzer's entry point for a program that has its own `main` (compiler-rt's FuzzerInterface.h).
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// Runs libFuzzer with `arguments` (program name first) on `selectedTarget`.
private func runLibFuzzer(_ arguments: [String]) -> CInt {
    var argc = CInt(arguments.count)
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = .allocate(capacity: arguments.count + 1)
    for (i, argument) in arguments.enumerated() { argv![i] = strdup(argument) }
    argv![arguments.count] = nil
    return LLVMFuzzerRunDriver(&argc, &argv) { bytes, count in
        let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
        try? selectedTarget.run(data)
        return 0
    }
}
#endif
