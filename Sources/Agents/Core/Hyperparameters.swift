import Foundation
import SandboxCore

/// A configuration whose hyperparameters can be set by name, as `sandbox train --hyperparameter
/// KEY=VALUE` sets them (like the RL Zoo's `--hyperparams KEY:VALUE`). Names are the configuration's
/// property names (`learningRate`, `annealLearningRate`, `hiddenSizes`).
public protocol HyperparameterSettable: Codable {
    /// Checks every hyperparameter's range.
    func validate() throws(HyperparameterError)
}

extension SAC.Configuration: HyperparameterSettable {}
extension PPO.Configuration: HyperparameterSettable {}

/// A `KEY=VALUE` assignment that names no hyperparameter, or gives one a value of the wrong kind.
public struct HyperparameterError: Error, CustomStringConvertible {
    public let description: String
}

extension HyperparameterSettable {
    /// A copy with each `KEY=VALUE` assignment applied in order. A VALUE is read as JSON (`0.001`,
    /// `false`, `[256,256]`) or, when it is not JSON, as a string (`tanh`).
    ///
    /// - Throws: `HyperparameterError` naming the known keys when KEY is not one, or the expected kind
    ///   of value when VALUE does not fit.
    public func setting(_ assignments: [String]) throws -> Self {
        guard !assignments.isEmpty else { return self }
        var object = try Self.jsonObject(self)
        let known = propertyNames
        for assignment in assignments {
            let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw HyperparameterError(description: "a hyperparameter is set as KEY=VALUE, e.g. learningRate=0.0003; got '\(assignment)'")
            }
            let (key, text) = (parts[0].trimmingCharacters(in: .whitespaces), parts[1].trimmingCharacters(in: .whitespaces))
            guard known.contains(key) else {
                throw HyperparameterError(description: "unknown hyperparameter '\(key)'; known: \(known.sorted().joined(separator: ", "))")
            }
            let value: Any = text.data(using: .utf8).flatMap { try? JSONSerialization.jsonObject(with: $0, options: .fragmentsAllowed) } ?? text
            let previous = object[key]
            object[key] = value
            do {
                _ = try Self.decode(object)
            } catch {
                let example = previous.flatMap { try? JSONSerialization.data(withJSONObject: $0, options: .fragmentsAllowed) }
                    .flatMap { String(data: $0, encoding: .utf8) }
                throw HyperparameterError(description: "hyperparameter '\(key)' cannot be '\(text)'"
                                          + (example.map { "; give a value like its current one, \($0)" } ?? ""))
            }
        }
        let result = try Self.decode(object)
        try result.validate()
        return result
    }

    private static func jsonObject(_ value: Self) throws -> [String: Any] {
        let data = try JSONEncoder().encode(value)
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    private static func decode(_ object: [String: Any]) throws -> Self {
        try JSONDecoder().decode(Self.self, from: JSONSerialization.data(withJSONObject: object))
    }

    /// The stored properties' names, optional ones included (JSON leaves those out while unset).
    private var propertyNames: Set<String> {
        Set(Mirror(reflecting: self).children.compactMap(\.label))
    }
}

/// Collects the first hyperparameter out of its range, for `validate()`.
struct HyperparameterCheck {
    private var problem: String?

    /// `value` must be a whole number in `range`.
    mutating func whole(_ name: String, _ value: Int, _ range: ClosedRange<Int>, note: String? = nil) {
        guard problem == nil, !range.contains(value) else { return }
        problem = "hyperparameter '\(name)' must be a whole number from \(range.lowerBound) to \(range.upperBound), got \(value)"
            + (note.map { " (\($0))" } ?? "")
    }

    /// `value` must be finite and within the given bounds.
    mutating func number(_ name: String, _ value: Double, above: Double? = nil, atLeast: Double? = nil, atMost: Double? = nil) {
        guard problem == nil else { return }
        var bounds: [String] = []
        if let above { bounds.append("above \(above.plainText)") }
        if let atLeast { bounds.append("at least \(atLeast.plainText)") }
        if let atMost { bounds.append("at most \(atMost.plainText)") }
        let fits = value.isFinite && above.map { value > $0 } ?? true && atLeast.map { value >= $0 } ?? true && atMost.map { value <= $0 } ?? true
        if !fits {
            problem = "hyperparameter '\(name)' must be a finite number\(bounds.isEmpty ? "" : " " + bounds.joined(separator: " and ")), got \(value.plainText)"
        }
    }

    /// Hidden layer widths: each from 1 to 16,384, at most 16 layers.
    mutating func layers(_ name: String, _ sizes: [Int]) {
        guard problem == nil else { return }
        if sizes.count > 16 || sizes.contains(where: { $0 < 1 || $0 > 16_384 }) {
            problem = "hyperparameter '\(name)' must list up to 16 layer widths, each from 1 to 16384 (e.g. [64,64]), got \(sizes)"
        }
    }

    func result() throws(HyperparameterError) {
        if let problem { throw HyperparameterError(description: problem) }
    }
}

extension HyperparameterError: UsageErrorClassifying {
    public var isUsageError: Bool { true }
}
