import Foundation
import Agents
import SandboxCore
import Rendering
import PhysicsEnvs

/// A usage error: printed as one line with a hint, exit status 2.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Parsed command-line arguments: positional values and `--name value` / `--name=value` options.
/// Options named in `flags` take no value.
struct Arguments {
    private(set) var positional: [String] = []
    private var values: [String: [String]] = [:]
    private var used: Set<String> = []
    let command: String

    init(_ arguments: [String], command: String, flags: Set<String> = []) throws {
        self.command = command
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            if argument == "--" {
                positional += arguments[(i + 1)...]
                break
            }
            if argument.hasPrefix("--") && argument.count > 2 {
                var name = String(argument.dropFirst(2))
                var value: String?
                if let equals = name.firstIndex(of: "=") {
                    value = String(name[name.index(after: equals)...])
                    name = String(name[..<equals])
                }
                if flags.contains(name) {
                    // A switch takes no value; --name=true and --name=false are read as on and off.
                    switch value {
                    case nil, "true": values[name, default: []].append("true")
                    case "false": break
                    case let other?: throw UsageError("--\(name) is a switch and takes no value, got '\(other)' (write --\(name), or leave it out)")
                    }
                } else {
                    if value == nil {
                        guard i + 1 < arguments.count else { throw UsageError("option --\(name) needs a value (or is not an option of `sandbox \(command)`; see `sandbox \(command) --help`)") }
                        // An option's value never looks like another option: `--name --other` means a
                        // value was left out (or a switch was misspelt), not that "--other" is the value.
                        guard !(arguments[i + 1].hasPrefix("--") && arguments[i + 1].count > 2) else {
                            throw UsageError("option --\(name) needs a value before \(arguments[i + 1]) (or is not a switch of `sandbox \(command)`; see `sandbox \(command) --help`)")
                        }
                        i += 1
                        value = arguments[i]
                    }
                    values[name, default: []].append(value!)
                }
            } else {
                positional.append(argument)
            }
            i += 1
        }
    }

    /// An option's value without marking it read.
    func peek(_ name: String) -> String? { values[name]?.last }

    mutating func string(_ name: String) -> String? {
        used.insert(name)
        return values[name]?.last
    }

    mutating func strings(_ name: String) -> [String] {
        used.insert(name)
        return values[name] ?? []
    }

    mutating func flag(_ name: String) -> Bool {
        used.insert(name)
        return values[name] != nil
    }

    /// `--name N`, a whole number from `minimum` to `maximum` (by default at most ten billion, so that
    /// no count overflows when it is multiplied or rounded up).
    mutating func int(_ name: String, default fallback: Int? = nil, minimum: Int = Int.min, maximum: Int = 10_000_000_000) throws -> Int? {
        guard let text = string(name) else { return fallback }
        guard let value = Int(text) else {
            throw UsageError("--\(name) must be a whole number\(minimum > Int.min ? " from \(minimum) to \(maximum)" : ""), got '\(text)'")
        }
        guard value >= minimum else { throw UsageError("--\(name) must be at least \(minimum), got \(value)") }
        guard value <= maximum else { throw UsageError("--\(name) must be at most \(maximum), got \(value)") }
        return value
    }

    /// `--name F` with F in (0, 1], or in [0, 1] when `allowingZero` (a share that can be switched off).
    mutating func fraction(_ name: String, default fallback: Double, allowingZero: Bool = false) throws -> Double {
        guard let text = string(name) else { return fallback }
        guard let value = Double(text), allowingZero ? value >= 0 : value > 0, value <= 1 else {
            throw UsageError("--\(name) must be a number \(allowingZero ? "from 0 to 1" : "above 0 and at most 1"), got '\(text)'")
        }
        return value
    }

    mutating func seed(_ name: String = "seed", default fallback: UInt64 = 0) throws -> UInt64 {
        guard let text = string(name) else { return fallback }
        guard let value = UInt64(text) else { throw UsageError("--\(name) must be a whole number from 0 to \(UInt64.max), got '\(text)'") }
        return value
    }

    /// Fails on options the command did not read, so that a typo is not silently ignored.
    func checkAllUsed() throws {
        if let unknown = values.keys.sorted().first(where: { !used.contains($0) }) {
            throw UsageError("unknown option --\(unknown) for `sandbox \(command)` (see `sandbox \(command) --help`)")
        }
    }

    /// `--hidden N,N,...`: hidden layer sizes, each a positive whole number.
    mutating func hiddenSizes(default fallback: [Int]) throws -> [Int] {
        guard let text = string("hidden") else { return fallback }
        return try text.split(separator: ",").map { item -> Int in
            guard let n = Int(item), n > 0 else { throw UsageError("--hidden takes sizes like 256,256,256") }
            return n
        }
    }

    /// The number of choice `name` of option `option` in the tasks that offer it (`variant=layout` → 1).
    static func choiceValue(option: String, name: String) -> Double? {
        for spec in SandboxCLI.tasks.specs {
            if let index = spec.optionChoices?[option]?.firstIndex(where: { $0.lowercased() == name.lowercased() }) {
                return Double(index)
            }
        }
        return nil
    }

    /// The named values of option `option` across the tasks, in order.
    static func choiceNames(option: String) -> [String] {
        SandboxCLI.tasks.specs.lazy.compactMap { $0.optionChoices?[option] }.first ?? []
    }

    /// Task options from repeated `--option KEY=VALUE`; VALUE is a number or, for options with named
    /// choices (`variant=layout`), a name.
    mutating func taskOptions() throws -> [String: Double] {
        var options: [String: Double] = [:]
        for item in strings("option") {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else {
                throw UsageError("--option takes KEY=VALUE, e.g. --option gravity=-9.8 or --option variant=layout; got '\(item)'")
            }
            let key = String(parts[0]), text = String(parts[1])
            if let value = Double(text) {
                options[key] = value
            } else if let value = Self.choiceValue(option: key, name: text) {
                options[key] = value
            } else {
                let names = Self.choiceNames(option: key)
                let hint = names.isEmpty ? "a number, e.g. --option gravity=-9.8" : "one of \(names.joined(separator: ", ")) (or its number)"
                throw UsageError("--option \(key)=\(text): the value must be \(hint)")
            }
        }
        return options
    }
}

/// Creates the folder an output file goes in, and checks it can be written.
func prepareOutput(_ path: String) throws {
    guard !path.isEmpty else { throw UsageError("an output file name is empty; give a path, e.g. out.json") }
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
    do {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
        throw UsageError("cannot create folder \(directory.path) for \(path): \(describeFileError(error))")
    }
    do { try checkWritable(path) } catch let error as ClipError { throw UsageError(error.description) }
}

extension Arguments {
    /// `--algo ppo|sac`, required.
    mutating func algorithm(for command: String, hint: String = "--algo ppo or --algo sac") throws -> Algorithm {
        guard let text = string("algo") else { throw UsageError("\(command) needs \(hint)") }
        guard let algorithm = Algorithm(rawValue: text) else { throw UsageError("unknown algorithm '\(text)'; use \(hint)") }
        return algorithm
    }
}
