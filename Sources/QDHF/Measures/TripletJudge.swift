import Foundation
import SandboxCore
import Rendering
import PhysicsEnvs

/// Whoever says which of two solutions is more like a reference: a simulated judge reading
/// ground-truth measures, or people answering triplet queries in a label store.
public protocol TripletJudge: AnyObject {
    /// Judges each (reference, first, second) triple of solutions: true when `first` is more alike,
    /// false when `second` is, nil when the judge skipped it or called it equal (such triplets are dropped).
    /// `experiment` evaluates solutions (cached) and knows the domain's episodes.
    func judge(_ triples: [(reference: [Float], first: [Float], second: [Float])], experiment: QDHFExperiment) throws -> [Bool?]
}

/// QDHF's simulated judge: the candidate whose ground-truth measures are nearer the reference's
/// (squared distance; the end effector on the arm).
public final class SimulatedJudge: TripletJudge {
    public init() {}

    public func judge(_ triples: [(reference: [Float], first: [Float], second: [Float])], experiment: QDHFExperiment) throws -> [Bool?] {
        try triples.map { t in
            let gr = try experiment.evaluation(t.reference).groundTruth
            let ga = try experiment.evaluation(t.first).groundTruth, gb = try experiment.evaluation(t.second).groundTruth
            let d1 = zip(gr, ga).map { ($0 - $1) * ($0 - $1) }.reduce(0, +), d2 = zip(gr, gb).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
            return d1 < d2
        }
    }
}

extension RoboticArm {
    /// An episode of the `PlanarArm-v1` task in which the arm moves from rest into `solution` and holds
    /// it: what a person sees when judging solutions.
    public func episode(of solution: [Float], seed: UInt64 = 0) throws -> EpisodeRecord {
        try Rollout.run(try makeEnvironment(), controller: ArmPoseController(solution), seed: seed).record
    }

    /// A `PlanarArm-v1` task with this arm's joints.
    public func makeEnvironment() throws -> any Environment { try PlanarArm(options: ["joints": Double(joints)]) }
}
