import Foundation

/// The tasks this build knows, by id (`Name-vN`).
public enum TaskRegistry {
    struct Entry {
        let spec: TaskSpec
        let make: ([String: Double]) throws(EnvironmentError) -> any Environment
    }

    static let entries: [Entry] = [
        Entry(spec: LunarLander.makeSpec()) { options throws(EnvironmentError) in try LunarLander(options: options) },
        Entry(spec: BipedalWalker.makeSpec(hardcore: false)) { options throws(EnvironmentError) in
            try BipedalWalker(hardcore: false, options: options)
        },
        Entry(spec: BipedalWalker.makeSpec(hardcore: true)) { options throws(EnvironmentError) in
            try BipedalWalker(hardcore: true, options: options)
        },
        Entry(spec: CarRacing.makeSpec()) { options throws(EnvironmentError) in try CarRacing(options: options) },
        Entry(spec: PlanarArm.makeSpec()) { options throws(EnvironmentError) in try PlanarArm(options: options) },
        Entry(spec: MazeNavigation.makeSpec()) { options throws(EnvironmentError) in try MazeNavigation(options: options) },
    ]

    /// Specs of every task, in listing order.
    public static var specs: [TaskSpec] { entries.map(\.spec) }

    /// Task ids with their versions.
    public static var ids: [String] { entries.map(\.spec.id) }

    /// Looks up a task by `Name-vN`, or by `Name` alone for the current version.
    public static func spec(for id: String) throws(EnvironmentError) -> TaskSpec {
        try entry(for: id).spec
    }

    /// Makes a task by `Name-vN` (or `Name`) with the given options.
    public static func make(_ id: String, options: [String: Double] = [:]) throws(EnvironmentError) -> any Environment {
        try entry(for: id).make(options)
    }

    private static func entry(for id: String) throws(EnvironmentError) -> Entry {
        let (name, version) = parse(id)
        guard let entry = entries.first(where: { $0.spec.name.lowercased() == name.lowercased() }) else {
            throw .unknownTask(id, known: ids)
        }
        if let version, version != entry.spec.version {
            throw .unknownVersion(task: entry.spec.name, requested: version, available: entry.spec.version)
        }
        return entry
    }

    /// Splits `Name-vN` into its name and version.
    static func parse(_ id: String) -> (name: String, version: Int?) {
        if let range = id.range(of: "-v", options: .backwards), let version = Int(id[range.upperBound...]) {
            return (String(id[..<range.lowerBound]), version)
        }
        return (id, nil)
    }
}
