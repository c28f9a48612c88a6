import Foundation
import Testing
import TestSupport
@testable import PhysicsEnvs
import SandboxCore
import Rendering

@Suite("Box2D world wrapper")
struct PhysicsWorldTests {
    @Test("a ray fan gives exactly what one ray cast per ray gives")
    func rayFanMatchesSingleRays() {
        let world = PhysicsWorld(gravity: Vec2(0, -10))
        let ground = world.createBody(.staticBody, at: Vec2(0, 0))
        var generator = SeededGenerator(seed: 4)
        var x: Float = 0, y: Float = 4
        for _ in 0..<60 {
            let next = Vec2(x + 0.5, y + Float(generator.uniform(-0.3, 0.3)))
            ground.addEdge(Vec2(x, y), next, FixtureMaterial(tag: 1))
            (x, y) = (next.x, next.y)
        }
        ground.addPolygon([Vec2(6, 3.5), Vec2(7, 3.5), Vec2(7, 5), Vec2(6, 5)], FixtureMaterial(tag: 2))
        // A fixture outside the mask must be ignored by both.
        ground.addPolygon([Vec2(4, 5), Vec2(5, 5), Vec2(5, 5.5), Vec2(4, 5.5)], FixtureMaterial(categoryBits: 0x0020, tag: 3))
        for originX in stride(from: Float(1), to: 25, by: 1.7) {
            let origin = Vec2(originX, 7)
            let ends = (0..<10).map { i -> Vec2 in
                let angle = 1.5 * Double(i) / 10
                return Vec2(Double(origin.x) + sin(angle) * 5.33, Double(origin.y) - cos(angle) * 5.33)
            }
            var fractions: [Float] = [], points: [Vec2] = []
            world.rayCastFan(from: origin, to: ends, categoryMask: 0x0001, fractions: &fractions, points: &points)
            for (i, end) in ends.enumerated() {
                let single = world.rayCast(from: origin, to: end, categoryMask: 0x0001)
                #expect(single.fraction == fractions[i])
                #expect(single.point == points[i])
            }
        }
    }

    @Test("contact events report begins and ends by fixture tag")
    func contactEvents() {
        let world = PhysicsWorld(gravity: Vec2(0, -10))
        let ground = world.createBody(.staticBody, at: Vec2(0, 0))
        ground.addEdge(Vec2(-5, 0), Vec2(5, 0), FixtureMaterial(tag: 1))
        let box = world.createBody(.dynamicBody, at: Vec2(0, 1))
        box.addBox(halfWidth: 0.2, halfHeight: 0.2, FixtureMaterial(density: 1, tag: 7))
        var events: [ContactEvent] = []
        for _ in 0..<60 {
            world.step(1 / 50, velocityIterations: 8, positionIterations: 3)
            events += world.drainContactEvents()
        }
        #expect(events.first == ContactEvent(tagA: 1, tagB: 7, begin: true) || events.first == ContactEvent(tagA: 7, tagB: 1, begin: true))
        #expect(abs(box.position.y - 0.2) < 0.05)
    }
}
