import Foundation

/// A configuration whose hyperparameters can be set by name, as `sandbox train --hyperparameter
/// KEY=VALUE` sets them (like the RL Zoo's `--hyperparams KEY:VALUE`). Names are the configuration's
/// property names (`learningRate`, `annealLearningRate`, `hiddenSizes`).
public protocol HyperparameterSettable: Codable {}

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
        return try Self.decode(object)
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
