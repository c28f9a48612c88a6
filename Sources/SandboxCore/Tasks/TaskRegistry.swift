import Foundation

/// How to make one task: its spec and a factory that takes options (defaults filled in by the task).
public struct TaskEntry: Sendable {
    public let spec: TaskSpec
    public let make: @Sendable ([String: Double]) throws(EnvironmentError) -> any Environment

    public init(spec: TaskSpec, make: @escaping @Sendable ([String: Double]) throws(EnvironmentError) -> any Environment) {
        self.spec = spec
        self.make = make
    }
}

/// The tasks a program knows, by id (`Name-vN`): an open registry, like Gymnasium's.
///
/// Each task family lists its tasks (`PhysicsTasks.entries`, `GridTasks.entries`, …) and a program
/// assembles the registry from the families it links, e.g.
/// `TaskRegistry(PhysicsTasks.entries + GridTasks.entries)`. Library code that makes a task from an id
/// (replay, policy loading, bundles) takes the registry as an argument, so there is no global list.
public struct TaskRegistry: Sendable {
    public private(set) var entries: [TaskEntry] = []

    /// A registry of `entries`; two entries with the same name are a programming error.
    public init(_ entries: [TaskEntry] = []) {
        for entry in entries {
            do { try register(entry) } catch { preconditionFailure(error.description) }
        }
    }

    /// Adds a task. A name already registered (in any version) is refused.
    public mutating func register(_ entry: TaskEntry) throws(EnvironmentError) {
        guard !entries.contains(where: { $0.spec.name.lowercased() == entry.spec.name.lowercased() }) else {
            throw .duplicateTask(entry.spec.name)
        }
        entries.append(entry)
    }

    /// Specs of every task, in listing order.
    public var specs: [TaskSpec] { entries.map(\.spec) }

    /// Task ids with their versions.
    public var ids: [String] { entries.map(\.spec.id) }

    /// Looks up a task by `Name-vN`, or by `Name` alone for the current version.
    public func spec(for id: String) throws(EnvironmentError) -> TaskSpec {
        try entry(for: id).spec
    }

    /// Makes a task by `Name-vN` (or `Name`) with the given options.
    public func make(_ id: String, options: [String: Double] = [:]) throws(EnvironmentError) -> any Environment {
        try entry(for: id).make(options)
    }

    private func entry(for id: String) throws(EnvironmentError) -> TaskEntry {
        let (name, version) = Self.parse(id)
        guard let entry = entries.first(where: { $0.spec.name.lowercased() == name.lowercased() }) else {
            throw .unknownTask(id, known: ids)
        }
        if let version, version != entry.spec.version {
            throw .unknownVersion(task: entry.spec.name, requested: version, available: entry.spec.version)
        }
        return entry
    }

    /// Splits `Name-vN` into its name and version.
    public static func parse(_ id: String) -> (name: String, version: Int?) {
        if let range = id.range(of: "-v", options: .backwards), let version = Int(id[range.upperBound...]) {
            return (String(id[..<range.lowerBound]), version)
        }
        return (id, nil)
    }
}
