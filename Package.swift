// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "sandbox",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sandbox", targets: ["sandbox"]),
        .library(name: "PhysicsEnvs", targets: ["PhysicsEnvs"]),
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

        .target(name: "PhysicsEnvs", dependencies: ["CBox2D", "CCairo", "CGif", "CPixels"]),
        // Tensors, reverse-mode autodiff, layers, optimisers and safetensors checkpoints on OpenBLAS.
        .target(name: "CKernels", path: "Sources/CKernels",
                cSettings: [.unsafeFlags(["-O3", "-fno-math-errno", "-ffp-contract=fast"])]),
        .target(name: "NeuralNets", dependencies: ["CBLAS", "CKernels"]),
        // PPO and SAC, reward sources, runs and policy checkpoints.
        .target(name: "Agents", dependencies: ["PhysicsEnvs", "NeuralNets"]),
        .target(name: "RewardLearning", dependencies: ["PhysicsEnvs", "NeuralNets", "Agents", "CSQLite"]),
        .target(name: "QDHF", dependencies: ["PhysicsEnvs", "NeuralNets", "Agents"]),
        // The labelling window (GLFW + OpenGL), its terminal fallback and the ranking editor.
        .target(name: "Labelling", dependencies: ["PhysicsEnvs", "RewardLearning", "CGLFW"]),
        .executableTarget(name: "sandbox", dependencies: ["PhysicsEnvs", "NeuralNets", "Agents", "RewardLearning", "QDHF", "Labelling"]),
        // Benchmarks run by `make bench` (bench/run.sh); not part of the product.
        .executableTarget(name: "sandbox-bench", dependencies: ["PhysicsEnvs", "NeuralNets", "Agents", "QDHF"], path: "bench/swift"),

        .testTarget(name: "PhysicsEnvsTests", dependencies: ["PhysicsEnvs"]),
        .testTarget(name: "NeuralNetsTests", dependencies: ["NeuralNets"], exclude: ["Fixtures"]),
        .testTarget(name: "AgentsTests", dependencies: ["Agents", "NeuralNets", "PhysicsEnvs"]),
        .testTarget(name: "RewardLearningTests", dependencies: ["RewardLearning", "PhysicsEnvs", "NeuralNets", "sandbox"]),
        .testTarget(name: "LabellingTests", dependencies: ["Labelling", "RewardLearning", "PhysicsEnvs"]),
        .testTarget(name: "QDHFTests", dependencies: ["QDHF", "PhysicsEnvs", "NeuralNets"]),
        .testTarget(name: "sandboxTests", dependencies: ["sandbox", "PhysicsEnvs"]),
    ],
    swiftLanguageModes: [.v5],
    cxxLanguageStandard: .cxx17
)
