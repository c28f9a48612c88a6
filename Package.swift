// swift-tools-version:6.0
import Foundation
import PackageDescription

/// Open MPI's header, where Debian's libopenmpi-dev puts it. `sandbox-mpi` (MPI sweeps and distributed
/// QDHF) is built only when it is there, so that `sandbox` and every other target build without MPI.
let mpiInstalled = ["/usr/lib/x86_64-linux-gnu/openmpi/include/mpi.h", "/usr/lib/aarch64-linux-gnu/openmpi/include/mpi.h",
                    "/usr/include/mpi.h"].contains { FileManager.default.fileExists(atPath: $0) }

let package = Package(
    name: "sandbox",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sandbox", targets: ["sandbox"]),
        .library(name: "SandboxCore", targets: ["SandboxCore"]),
        .library(name: "Rendering", targets: ["Rendering"]),
        .library(name: "PhysicsEnvs", targets: ["PhysicsEnvs"]),
        .library(name: "GridWorlds", targets: ["GridWorlds"]),
        .library(name: "NeuralNets", targets: ["NeuralNets"]),
        .library(name: "Agents", targets: ["Agents"]),
        .library(name: "RewardLearning", targets: ["RewardLearning"]),
        .library(name: "QDHF", targets: ["QDHF"]),
        .library(name: "Labelling", targets: ["Labelling"]),
    ],
    targets: [
        // C targets. Box2D 2.4.1 is C++; CBox2D exposes a plain extern "C" API over it so
        // that no Swift target needs C++ interop.
        .target(
            name: "CBox2D",
            path: "Sources/CBox2D",
            cxxSettings: [.unsafeFlags(["-O2"])],
            linkerSettings: [.linkedLibrary("box2d"), .linkedLibrary("stdc++")]
        ),
        .target(name: "CPixels", path: "Sources/CPixels", cSettings: [.unsafeFlags(["-O3"])]),
        .systemLibrary(name: "CCairo", path: "Sources/CCairo", pkgConfig: "cairo"),
        .systemLibrary(name: "CGif", path: "Sources/CGif"),
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .systemLibrary(name: "CGLFW", path: "Sources/CGLFW", pkgConfig: "glfw3"),

        // Environments and spaces, the open task registry, seeded randomness, episode records and replay,
        // atomic writes, metrics and progress. Links no C library.
        .target(name: "SandboxCore"),
        // Offscreen drawing (Cairo), frames to PNG/GIF/MP4, and plots.
        .target(name: "Rendering", dependencies: ["SandboxCore", "CCairo", "CGif", "CPixels"]),
        // The Box2D tasks.
        .target(name: "PhysicsEnvs", dependencies: ["SandboxCore", "Rendering", "CBox2D"]),
        // Tabular gridworlds with discrete actions.
        .target(name: "GridWorlds", dependencies: ["SandboxCore", "Rendering"]),
        // Tensors, reverse-mode autodiff, layers, optimisers and safetensors checkpoints on OpenBLAS.
        .target(name: "CKernels", path: "Sources/CKernels",
                cSettings: [.unsafeFlags(["-O3", "-fno-math-errno", "-ffp-contract=fast"])]),
        .target(name: "NeuralNets", dependencies: ["SandboxCore", "CBLAS", "CKernels"]),
        // PPO and SAC, reward sources, runs and policy checkpoints.
        .target(name: "Agents", dependencies: ["SandboxCore", "Rendering", "NeuralNets"]),
        .target(name: "RewardLearning", dependencies: ["SandboxCore", "Rendering", "GridWorlds", "NeuralNets", "Agents", "CSQLite"]),
        .target(name: "QDHF", dependencies: ["SandboxCore", "Rendering", "PhysicsEnvs", "NeuralNets"]),
        // Rewards from pixels: RAPL's encoder, optimal-transport alignment and rewards, and their baselines.
        .target(name: "VisualRewards", dependencies: ["SandboxCore", "Rendering", "NeuralNets", "Agents", "RewardLearning"]),
        // The labelling window (GLFW + OpenGL), its terminal fallback and the ranking editor.
        .target(name: "Labelling", dependencies: ["SandboxCore", "Rendering", "RewardLearning", "QDHF", "CGLFW"]),
        // The command-line tool as a library (argument parsing and the commands), and its thin executable.
        .target(name: "SandboxCLI", dependencies: ["SandboxCore", "Rendering", "PhysicsEnvs", "GridWorlds", "Agents", "RewardLearning", "QDHF", "Labelling", "VisualRewards"]),
        .executableTarget(name: "sandbox", dependencies: ["SandboxCLI"]),
        // Benchmarks run by `make bench` (bench/run.sh); not part of the product.
        // The parsers of outside data as fuzz entry points (issue 23), and the fuzzer that runs them (`make fuzz`
        // builds it with libFuzzer; an ordinary build runs it on given files).
        .target(name: "FuzzTargets", dependencies: ["SandboxCore", "NeuralNets", "RewardLearning", "QDHF", "SandboxCLI"]),
        .executableTarget(name: "sandbox-fuzz", dependencies: ["FuzzTargets"], path: "fuzz/swift"),
        .executableTarget(name: "sandbox-bench", dependencies: ["SandboxCore", "PhysicsEnvs", "NeuralNets", "Agents", "QDHF"], path: "bench/swift"),

        // Test support: the finite-difference gradient check, the point task and seeded fixtures.
        .target(name: "TestSupport", dependencies: ["SandboxCore", "PhysicsEnvs", "GridWorlds", "NeuralNets", "RewardLearning"], path: "Tests/TestSupport"),
        .testTarget(name: "SandboxCoreTests", dependencies: ["SandboxCore", "TestSupport", "PhysicsEnvs"]),
        .testTarget(name: "RenderingTests", dependencies: ["Rendering", "SandboxCore", "TestSupport", "PhysicsEnvs"]),
        .testTarget(name: "PhysicsEnvsTests", dependencies: ["PhysicsEnvs", "SandboxCore", "Rendering", "TestSupport"]),
        .testTarget(name: "GridWorldsTests", dependencies: ["GridWorlds", "SandboxCore", "TestSupport"]),
        .testTarget(name: "NeuralNetsTests", dependencies: ["NeuralNets", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "AgentsTests", dependencies: ["Agents", "NeuralNets", "SandboxCore", "TestSupport", "PhysicsEnvs"]),
        .testTarget(name: "RewardLearningTests", dependencies: ["RewardLearning", "Agents", "SandboxCore", "NeuralNets", "TestSupport", "PhysicsEnvs"]),
        .testTarget(name: "LabellingTests", dependencies: ["Labelling", "RewardLearning", "SandboxCore", "Rendering", "TestSupport", "PhysicsEnvs"]),
        .testTarget(name: "VisualRewardsTests", dependencies: ["VisualRewards", "NeuralNets", "Agents", "RewardLearning", "SandboxCore", "TestSupport", "PhysicsEnvs"]),
        .testTarget(name: "FuzzTargetsTests", dependencies: ["FuzzTargets", "SandboxCore", "RewardLearning", "TestSupport"]),
        .testTarget(name: "QDHFTests", dependencies: ["QDHF", "PhysicsEnvs", "SandboxCore", "NeuralNets", "TestSupport"]),
        // In-process tests of the commands, plus subprocess tests of the built `sandbox` for exit codes and
        // signals (it depends on the executable only so that the executable is built).
        .testTarget(name: "SandboxCLITests", dependencies: ["SandboxCLI", "sandbox", "SandboxCore", "PhysicsEnvs", "RewardLearning", "TestSupport"]
                    + (mpiInstalled ? ["sandbox-mpi"] : [])),
    ] + (mpiInstalled ? [
        // MPI (Debian's Open MPI) for sweeps across ranks and distributed QDHF: a system library, a C shim
        // over its macros, and the `sandbox-mpi` executable. Only where Open MPI is installed.
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .target(name: "CMPIShim", dependencies: ["CMPI"], path: "Sources/CMPIShim"),
        .executableTarget(name: "sandbox-mpi", dependencies: ["SandboxCLI", "CMPIShim"], path: "Sources/SandboxMPI"),
    ] : []),
    swiftLanguageModes: [.v5],
    cxxLanguageStandard: .cxx17
)
