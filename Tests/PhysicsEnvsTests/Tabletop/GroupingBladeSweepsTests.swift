import Testing
import Foundation
@testable import PhysicsEnvs

@Suite("Grouping: the long stick's blade sweeps")
struct GroupingBladeSweepsTests {
    static let row = [Vec2(-0.5, 0), Vec2(0, 0), Vec2(0.5, 0)]
    static let demo = BladeSweeps.State(pieces: row, robot: Vec2(0, -0.6), angle: 0)

    static func distance(_ a: Vec2, _ b: Vec2) -> Float { ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot() }

    @Test("a sweep moves each piece it meets along its normal onto one line, and shrinks their spacing by cos δ")
    func sweepModel() throws {
        let tilt: Float = 25 * .pi / 180
        let n = Vec2(-sin(tilt), cos(tilt))
        let reach = Self.row.map { BladeSweeps.dot(n, $0) }.max()!
        let after = try #require(BladeSweeps.apply(BladeSweep(angle: tilt, center: 0, reach: reach), to: Self.demo))
        for (before, moved) in zip(Self.row, after.pieces) {
            #expect(abs(BladeSweeps.dot(n, moved) - reach) < 1e-5)
            // Moved along the normal only: the coordinate along the blade is unchanged.
            let a = Vec2(cos(tilt), sin(tilt))
            #expect(abs(BladeSweeps.dot(a, moved) - BladeSweeps.dot(a, before)) < 1e-5)
        }
        #expect(abs(Self.distance(after.pieces[0], after.pieces[1]) - 0.5 * cos(tilt)) < 1e-4)
        // The blade ends just behind the line, facing along its normal.
        #expect(abs(BladeSweeps.dot(n, after.robot) - (reach - BladeSweeps.bladeReach)) < 1e-5)
    }

    @Test("sweeps that would clip a piece with the blade's end, or leave the blade off balance, are ruled out")
    func ruledOut() {
        // The blade's end (0.8 from its middle) at the middle piece: it would clip it.
        #expect(BladeSweeps.apply(BladeSweep(angle: 0, center: -0.8, reach: 0.2), to: Self.demo) == nil)
        // A piece met alone 0.76 from the blade's middle drags it round (1.14 N·m against the drive's 1)
        // by more than 0.1 rad over a 0.6 push; 0.26 from it, not at all.
        let piece = Vec2(0.5, 0), tilt: Float = 0.4
        let reach = BladeSweeps.dot(Vec2(-sin(tilt), cos(tilt)), piece) + 0.6
        #expect(!BladeSweeps.balanced(center: -0.3, tilt: tilt, pieces: [piece], reach: reach))
        #expect(BladeSweeps.balanced(center: 0.2, tilt: tilt, pieces: [piece], reach: reach))
        // Pieces level with each other are met together, so their drag balances.
        #expect(BladeSweeps.balanced(center: 0, tilt: 0, pieces: Self.row, reach: 0.6))
    }

    @Test("from the Demo layout the plan groups the pieces at the spot in the model, within the episode")
    func demoPlan() throws {
        let plan = BladeSweeps.plan(from: Self.demo, budget: Float(Grouping.episodeSteps))
        #expect(!plan.isEmpty && plan.count <= 3)
        var state = Self.demo
        for sweep in plan { state = try #require(BladeSweeps.apply(sweep, to: state)) }
        #expect(BladeSweeps.margin(state.pieces) >= BladeSweeps.planMargin)
        // Straight sweeps alone keep the pieces 0.5 apart: the plan turns the blade both ways.
        #expect(plan.contains { $0.angle > 0.05 } && plan.contains { $0.angle < -0.05 })
        #expect(BladeSweeps.plan(from: .init(pieces: [Vec2(-0.14, 0.6), Vec2(0, 0.6), Vec2(0.14, 0.6)], robot: Vec2(0, -0.6), angle: 0),
                                 budget: 100).isEmpty)
    }
}
