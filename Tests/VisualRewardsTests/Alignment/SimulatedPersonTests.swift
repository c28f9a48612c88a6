import SandboxCore
import TestSupport
import Testing
@testable import VisualRewards

@Suite("The simulated person and the privileged cost")
struct SimulatedPersonTests {
    @Test("kept triplets fall in separated cost bands; equal triplets lie in the best band")
    func bands() {
        var g = SeededGenerator(seed: 31)
        let costs = (0..<90).map { _ in Double.random(in: 0...1, using: &g) }
        let person = SimulatedPerson()
        let (triplets, _) = person.triplets(count: 150, finalCosts: costs, seed: 32)
        #expect(triplets.count == 150)
        let b = person.bands(for: costs)
        #expect(b.positive < b.neutralLow && b.neutralHigh < b.negative)
        for t in triplets {
            #expect(Set([t.positive, t.neutral, t.negative]).count == 3)
            if t.equal {
                #expect([t.positive, t.neutral, t.negative].allSatisfy { costs[$0] <= b.positive })
            } else {
                #expect(costs[t.positive] <= b.positive)
                #expect(costs[t.neutral] > b.neutralLow && costs[t.neutral] <= b.neutralHigh)
                #expect(costs[t.negative] > b.negative)
            }
        }
        #expect(triplets.contains { $0.equal })
        #expect(!SimulatedPerson(allowEqual: false).triplets(count: 150, finalCosts: costs, seed: 32).triplets.contains { $0.equal })
        // Seeded: the same seed gives the same triplets.
        #expect(person.triplets(count: 150, finalCosts: costs, seed: 32).triplets == triplets)
    }

    @Test("the privileged cost is minus the running sum of the chosen terms; unknown terms are usage errors")
    func privilegedCost() throws {
        let spec = try SandboxCoreTasks.lander()
        let cost = try PrivilegedCost.resolve(nil, spec: spec)
        #expect(cost.terms == ["distance"])
        var trace = [[Double]](repeating: [Double](repeating: 0, count: spec.rewardTerms.count), count: 3)
        let d = spec.rewardTerms.firstIndex(of: "distance")!, s = spec.rewardTerms.firstIndex(of: "speed")!
        trace[0][d] = 2; trace[1][d] = -1; trace[2][s] = 5
        #expect(cost.costs(termTrace: trace, spec: spec) == [0, -2, -1, -1])
        #expect(try PrivilegedCost.resolve("distance+speed", spec: spec).costs(termTrace: trace, spec: spec) == [0, -2, -1, -6])
        // A state term counts with its value at the step: c_t = −term(t) (c_0 from the first step), plus
        // the running sum of the others.
        let mixed = try PrivilegedCost.resolve("distance:state+speed", spec: spec)
        #expect(mixed.stateTerms == ["distance"] && mixed.description == "distance:state+speed")
        #expect(mixed.costs(termTrace: trace, spec: spec) == [-2, -2, 1, -5])
        // The tabletop tasks' defaults: how far the debris is now (and, on Avoiding, time in the zone).
        let sweep = try Fixtures.tasks.spec(for: "SweepToTop-MediumStick-v1")
        #expect(try PrivilegedCost.resolve(nil, spec: sweep) == PrivilegedCost(terms: ["distance"], stateTerms: ["distance"]))
        let avoiding = try Fixtures.tasks.spec(for: "Avoiding-Gripper-v1")
        #expect(try PrivilegedCost.resolve(nil, spec: avoiding).description == "distance:state+zone")
        // A task without a line of its own: the person wants its return (all its terms).
        let car = try Fixtures.tasks.spec(for: "CarRacing-v1")
        #expect(try PrivilegedCost.resolve(nil, spec: car).terms == car.rewardTerms)
        #expect(throws: VisualRewardError.self) { try PrivilegedCost.resolve("fuel", spec: spec) }
        do { _ = try PrivilegedCost.resolve("fuel", spec: spec) } catch let error as VisualRewardError {
            #expect(error.isUsageError && error.description.contains("its terms are distance"))
        }
    }
}

/// The lander's spec from the registry the tests use.
enum SandboxCoreTasks {
    static func lander() throws -> TaskSpec { try Fixtures.tasks.spec(for: "LunarLanderContinuous-v1") }
}
