import Foundation
import PhysicsEnvs

/// Whoever says which of two solutions is more like a reference: a simulated judge reading
/// ground-truth measures, or people answering triplet queries in a label store.
public protocol TripletJudge: AnyObject {
    /// Judges each (reference, first, second) triple of solutions: true when `first` is more alike,
    /// false when `second` is, nil when the judge skipped it or called it equal (such triplets are dropped).
    func judge(_ triples: [(reference: [Float], first: [Float], second: [Float])]) throws -> [Bool?]
}

/// QDHF's simulated judge on the arm: the candidate whose end effector is nearer the reference's.
public final class SimulatedArmJudge: TripletJudge {
    public let arm: RoboticArm
    public init(arm: RoboticArm) { self.arm = arm }

    public func judge(_ triples: [(reference: [Float], first: [Float], second: [Float])]) throws -> [Bool?] {
        triples.map { t in
            let gr = arm.endEffector(t.reference), ga = arm.endEffector(t.first), gb = arm.endEffector(t.second)
            let d1 = zip(gr, ga).map { ($0 - $1) * ($0 - $1) }.reduce(0, +), d2 = zip(gr, gb).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
            return d1 < d2
        }
    }
}

extension RoboticArm {
    /// An episode of the `PlanarArm-v1` task in which the arm moves from rest into `solution` and holds
    /// it: what a person sees when judging solutions.
    public func episode(of solution: [Float], seed: UInt64 = 0) throws -> EpisodeRecord {
        let environment = try TaskRegistry.make("PlanarArm-v1", options: ["joints": Double(joints)])
        return try Rollout.run(environment, controller: ArmPoseController(solution), seed: seed).record
    }
}
