import Foundation
import SandboxCore
import Rendering
import PhysicsEnvs

enum TasksCommand {
    static let help = """
    usage: sandbox tasks [--json]

    Lists every task with its observation and action spaces, reward terms, time limit and options.
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        let json = arguments.flag("json")
        try arguments.checkAllUsed()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(SandboxCLI.tasks.specs), as: UTF8.self))
            return 0
        }
        for spec in SandboxCLI.tasks.specs {
            print(spec.id)
            print("  \(spec.summary)")
            print("  observation  \(describe(spec.observationSpace, bounds: false))")
            print("  action       \(describe(spec.actionSpace, bounds: true))")
            print("  reward terms \(spec.rewardTerms.joined(separator: ", "))")
            print("  time limit   \(spec.maxEpisodeSteps) steps at \(spec.framesPerSecond) steps/s")
            let options = spec.defaultOptions.sorted { $0.key < $1.key }.map { "\($0.key)=\(format($0.value))" }
            print("  options      \(options.joined(separator: " "))")
            print("")
        }
        return 0
    }
}

func format(_ value: Float) -> String { format(Double(value)) }

/// `Box(2,) [-1, 1] [-1, 1]` or `Discrete(4)`.
private func describe(_ space: Space, bounds: Bool) -> String {
    switch space {
    case .box(let box):
        guard bounds else { return "Box\(box.shapeDescription)" }
        return "Box\(box.shapeDescription) " + zip(box.low, box.high).map { "[\(format($0)), \(format($1))]" }.joined(separator: " ")
    case .discrete:
        return space.shapeDescription
    }
}

func format(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(format: "%g", value)
}
