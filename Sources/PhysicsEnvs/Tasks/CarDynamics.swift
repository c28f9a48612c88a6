import Foundation
import SandboxCore
import Rendering

// Constants from Gymnasium 1.x, gymnasium/envs/box2d/car_dynamics.py (after Chris Campbell's
// top-down car tutorial, iforce2d.net/b2dtut/top-down-car).
private let size = 0.02
private let enginePower = 100_000_000 * size * size
private let wheelMomentOfInertia = 4000 * size * size
private let frictionLimit = 1_000_000 * size * size  // friction ≈ mass ≈ size², through density
private let wheelRadius = 27.0
private let wheelWidth = 14.0
private let wheelPositions: [(Double, Double)] = [(-55, 80), (55, 80), (-55, -82), (55, -82)]
let carHullPolygons: [[(Double, Double)]] = [
    [(-60, 130), (60, 130), (60, 110), (-60, 110)],
    [(-15, 120), (15, 120), (20, 20), (-20, 20)],
    [(25, 20), (50, -10), (50, -40), (20, -90), (-20, -90), (-50, -40), (-50, -10), (-25, 20)],
    [(-50, -120), (50, -120), (50, -90), (-50, -90)],
]
let carHullTag: Int32 = 5
let carWheelTagBase: Int32 = 10

/// A rear-wheel-drive car whose wheels apply friction forces computed by hand, as Gymnasium's `Car`.
final class Car {
    final class Wheel {
        let body: PhysicsBody
        let joint: RevoluteJoint
        let radius = wheelRadius * size
        var gas = 0.0
        var brake = 0.0
        var steer = 0.0
        var phase = 0.0  // wheel rotation angle, for drawing
        var omega = 0.0  // angular velocity, rad/s
        var tiles = Set<Int>()  // indices of road tiles under the wheel
        init(body: PhysicsBody, joint: RevoluteJoint) { self.body = body; self.joint = joint }
    }

    let hull: PhysicsBody
    private(set) var wheels: [Wheel] = []

    init(world: PhysicsWorld, angle: Double, x: Double, y: Double) {
        hull = world.createBody(.dynamicBody, at: Vec2(x, y), angle: Float(angle))
        for polygon in carHullPolygons {
            hull.addPolygon(polygon.map { Vec2($0.0 * size, $0.1 * size) }, FixtureMaterial(density: 1, tag: carHullTag))
        }
        let wheelPolygon = [(-wheelWidth, wheelRadius), (wheelWidth, wheelRadius), (wheelWidth, -wheelRadius), (-wheelWidth, -wheelRadius)]
        for (n, (wx, wy)) in wheelPositions.enumerated() {
            let body = world.createBody(.dynamicBody, at: Vec2(x + wx * size, y + wy * size), angle: Float(angle))
            body.addPolygon(wheelPolygon.map { Vec2($0.0 * size, $0.1 * size) },
                            FixtureMaterial(density: 0.1, restitution: 0, categoryBits: 0x0020, maskBits: 0x001, tag: carWheelTagBase + Int32(n)))
            var joint = RevoluteJointDefinition()
            joint.localAnchorA = Vec2(wx * size, wy * size)
            joint.enableMotor = true
            joint.enableLimit = true
            joint.maxMotorTorque = Float(180 * 900 * size * size)
            joint.lowerAngle = -0.4
            joint.upperAngle = 0.4
            wheels.append(Wheel(body: body, joint: world.createRevoluteJoint(hull, body, joint)))
        }
    }

    /// Rear-wheel drive: throttle in 0...1, raised by at most 0.1 per step, dropped at once.
    func setGas(_ gas: Double) {
        let gas = min(max(gas, 0), 1)
        for wheel in wheels[2..<4] {
            wheel.gas += min(gas - wheel.gas, 0.1)
        }
    }

    /// Brake in 0...1; 0.9 and above locks the wheels.
    func setBrake(_ brake: Double) { for wheel in wheels { wheel.brake = brake } }

    /// Steering target in −1...1; the wheels turn towards it over several steps.
    func setSteer(_ steer: Double) {
        wheels[0].steer = steer
        wheels[1].steer = steer
    }

    /// Applies each wheel's friction force for one step of `dt` seconds, given each wheel's road friction
    /// (the largest of the tiles under it, or grass at 0.6 of the limit).
    func step(_ dt: Double, roadFriction: (Int) -> Double) {
        for wheel in wheels {
            let jointAngle = Double(wheel.joint.angle)
            let direction = sign(wheel.steer - jointAngle)
            let error = abs(wheel.steer - jointAngle)
            wheel.joint.setMotorSpeed(Float(direction * min(50 * error, 3)))

            var limit = frictionLimit * 0.6  // grass when no tile is under the wheel
            for tile in wheel.tiles { limit = max(limit, frictionLimit * roadFriction(tile)) }

            let forward = wheel.body.worldVector(Vec2(0, 1))
            let side = wheel.body.worldVector(Vec2(1, 0))
            let v = wheel.body.linearVelocity
            let vf = Double(forward.x) * Double(v.x) + Double(forward.y) * Double(v.y)  // forward speed
            let vs = Double(side.x) * Double(v.x) + Double(side.y) * Double(v.y)  // side speed

            // I·ω·dω/dt = power; a small constant keeps the division finite.
            wheel.omega += dt * enginePower * wheel.gas / wheelMomentOfInertia / (abs(wheel.omega) + 5)
            if wheel.brake >= 0.9 {
                wheel.omega = 0
            } else if wheel.brake > 0 {
                let brakeForce = 15.0  // rad/s
                let direction = -sign(wheel.omega)
                let value = min(brakeForce * wheel.brake, abs(wheel.omega))  // low speed: same as stopping
                wheel.omega += direction * value
            }
            wheel.phase += wheel.omega * dt

            let vr = wheel.omega * wheel.radius  // rim speed
            var forceForward = (-vf + vr) * 205_000 * size * size  // coefficient damps oscillations
            var forceSide = -vs * 205_000 * size * size
            let force = (forceForward * forceForward + forceSide * forceSide).squareRoot()
            if abs(force) > limit {
                forceForward = forceForward / force * limit
                forceSide = forceSide / force * limit
            }
            wheel.omega -= dt * forceForward * wheel.radius / wheelMomentOfInertia
            wheel.body.applyForceToCenter(Vec2(forceSide * Double(side.x) + forceForward * Double(forward.x),
                                               forceSide * Double(side.y) + forceForward * Double(forward.y)))
        }
    }

    /// Wheel outline and rotating tread stripe in body-local coordinates, for drawing.
    static let wheelOutline: [Vec2] = [(-wheelWidth, wheelRadius), (wheelWidth, wheelRadius), (wheelWidth, -wheelRadius), (-wheelWidth, -wheelRadius)]
        .map { Vec2($0.0 * size, $0.1 * size) }

    static func treadStripe(phase: Double) -> [Vec2]? {
        let s1 = sin(phase), s2 = sin(phase + 1.2)
        var c1 = cos(phase), c2 = cos(phase + 1.2)
        if s1 > 0 && s2 > 0 { return nil }
        if s1 > 0 { c1 = sign(c1) }
        if s2 > 0 { c2 = sign(c2) }
        return [(-wheelWidth, wheelRadius * c1), (wheelWidth, wheelRadius * c1), (wheelWidth, wheelRadius * c2), (-wheelWidth, wheelRadius * c2)]
            .map { Vec2($0.0 * size, $0.1 * size) }
    }
}
