import Testing
import TestSupport
@testable import SandboxCore
import PhysicsEnvs

@Suite("Spaces and random numbers")
struct BoxSpaceTests {
    @Test("clip and contains follow the bounds")
    func clipAndContains() {
        let space = BoxSpace(low: [-1, 0], high: [1, 2])
        #expect(space.clip([5, -3]) == [1, 0])
        #expect(space.contains([0.5, 1.5]))
        #expect(!space.contains([0.5, 2.5]))
        #expect(!space.contains([0.5]))
    }

    @Test("seeded generators repeat and samples stay in the box")
    func seededSamples() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        #expect((0..<10).map { _ in a.next() } == (0..<10).map { _ in b.next() })
        let space = BoxSpace(low: [-1, 0, 5], high: [1, 2, 6])
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<100 { #expect(space.contains(space.sample(using: &generator))) }
        for _ in 0..<100 {
            let k = generator.integer(3, 5)
            #expect(k == 3 || k == 4)
            let u = generator.uniform(-2, 2)
            #expect(u >= -2 && u < 2)
        }
    }
}
