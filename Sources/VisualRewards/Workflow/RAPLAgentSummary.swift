import Agents
import Foundation
import SandboxCore

/// How an agent trained on a visual reward does on the task: over deterministic episodes, the share
/// that ended in success, the mean final privileged cost (what the person cares about) and the mean true
/// return. Written to a run's rapl_summary.json by `sandbox rapl train`.
public struct RAPLAgentSummary: Codable, Sendable {
    /// Termination reasons that count as success, by task name. Tasks that keep a score in their step
    /// info (the tabletop tasks: the fraction of debris in the goal, 0 on Avoiding once the zone was
    /// entered) succeed when the last step's score is 1.
    public static let successReasons: [String: Set<String>] = [
        "LunarLanderContinuous": ["landed"],
        "MazeNavigation": ["reached the goal"],
    ]

    public var reward: String
    public var encoder: String
    public var episodes: Int
    /// Nil when the task names no successful ending.
    public var successRate: Double?
    public var meanFinalCost: Double
    public var meanReturn: Double
    public var outcomes: [String: Int]
    /// Mean last-step score, for tasks that keep one (`info["score"]`).
    public var meanScore: Double?
    /// Mean steps with a body in Avoiding's off-limits zone (`info["zone_steps"]`), for tasks that count them.
    public var meanZoneSteps: Double?

    public static func measure(policyFile: URL, tasks: TaskRegistry, cost: PrivilegedCost, episodes: Int, seed: UInt64,
                               reward: String, encoder: String) throws -> RAPLAgentSummary {
        let policy = try Policy.load(from: policyFile)
        let environment = try policy.makeEnvironment(in: tasks)
        var finals: [Double] = [], returns: [Double] = [], outcomes: [String: Int] = [:]
        var scores: [Double] = [], zoneSteps: [Double] = []
        for e in 0..<episodes {
            let episode = try Rollout.run(environment, controller: policy, seed: seed &+ UInt64(e))
            finals.append(cost.costs(termTrace: episode.termTrace, spec: environment.spec).last!)
            returns.append(episode.record.episodeReturn)
            outcomes[episode.outcome.description, default: 0] += 1
            if let score = episode.finalInfo["score"] { scores.append(score) }
            if let steps = episode.finalInfo["zone_steps"] { zoneSteps.append(steps) }
        }
        func mean(_ values: [Double]) -> Double? { values.count == episodes ? values.reduce(0, +) / Double(episodes) : nil }
        var success = successReasons[environment.spec.name].map { reasons in
            Double(outcomes.filter { reasons.contains($0.key) }.map(\.value).reduce(0, +)) / Double(episodes)
        }
        if success == nil, scores.count == episodes { success = Double(scores.filter { $0 >= 1 }.count) / Double(episodes) }
        var summary = RAPLAgentSummary(reward: reward, encoder: encoder, episodes: episodes, successRate: success,
                                       meanFinalCost: finals.reduce(0, +) / Double(episodes), meanReturn: returns.reduce(0, +) / Double(episodes),
                                       outcomes: outcomes)
        summary.meanScore = mean(scores)
        summary.meanZoneSteps = mean(zoneSteps)
        return summary
    }

    public var line: String {
        let share = successRate.map { String(format: "success %.0f%%, ", 100 * $0) } ?? ""
        let ends = outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        let score = meanScore.map { String(format: ", mean score %.2f", $0) } ?? ""
        let zone = meanZoneSteps.map { String(format: ", %.1f steps in the zone", $0) } ?? ""
        return "\(episodes) evaluation episodes: \(share)" + String(format: "mean final privileged cost %.2f, mean true return %.1f", meanFinalCost, meanReturn) + score + zone + " (\(ends))"
    }

    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeAtomically(try encoder.encode(self), to: url)
    }
}
