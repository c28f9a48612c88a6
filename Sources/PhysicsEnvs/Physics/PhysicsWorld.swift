import SandboxCore
internal import CBox2D
import Foundation

/// A 2-D vector in Box2D's units (metres).
struct Vec2: Equatable {
    var x: Float
    var y: Float
    init(_ x: Float, _ y: Float) { self.x = x; self.y = y }
    @_disfavoredOverload init(_ x: Double, _ y: Double) { self.x = Float(x); self.y = Float(y) }
    fileprivate init(_ v: CB2Vec2) { x = v.x; y = v.y }
    fileprivate var c: CB2Vec2 { CB2Vec2(x: x, y: y) }
}

/// Material and collision filter of a fixture (Box2D's `b2FixtureDef` less the shape).
struct FixtureMaterial {
    var density: Float = 0
    var friction: Float = 0.2
    var restitution: Float = 0
    var categoryBits: UInt16 = 0x0001
    var maskBits: UInt16 = 0xFFFF
    var isSensor = false
    /// Reported in contact events.
    var tag: Int32 = 0

    fileprivate var c: CB2FixtureDef {
        CB2FixtureDef(density: density, friction: friction, restitution: restitution,
                      categoryBits: categoryBits, maskBits: maskBits, isSensor: isSensor, tag: tag)
    }
}

/// A begin or end of contact between two fixtures, identified by their tags.
struct ContactEvent: Equatable {
    var tagA: Int32
    var tagB: Int32
    var begin: Bool
    func involves(_ tag: Int32) -> Bool { tagA == tag || tagB == tag }
    /// The tag on the other side of `tag`, if `tag` is one of the two.
    func other(than tag: Int32) -> Int32? { tagA == tag ? tagB : (tagB == tag ? tagA : nil) }
}

/// A shape kept on the Swift side for drawing, in body-local coordinates.
enum BodyShape {
    case polygon([Vec2])
    case edge(Vec2, Vec2)
    case circle(center: Vec2, radius: Float)
}

/// Owns one Box2D world. Bodies and joints live as long as the world.
final class PhysicsWorld {
    fileprivate let handle: OpaquePointer

    init(gravity: Vec2) {
        handle = cb2_world_create(gravity.x, gravity.y)
    }

    deinit { cb2_world_destroy(handle) }

    func step(_ timeStep: Float, velocityIterations: Int32, positionIterations: Int32) {
        cb2_world_step(handle, timeStep, velocityIterations, positionIterations)
    }

    /// Contact events of the steps since the last drain, in the order Box2D reported them.
    func drainContactEvents() -> [ContactEvent] {
        let count = Int(cb2_world_event_count(handle))
        guard count > 0, let events = cb2_world_events(handle) else { return [] }
        var result: [ContactEvent] = []
        result.reserveCapacity(count)
        for i in 0..<count {
            result.append(ContactEvent(tagA: events[i].tagA, tagB: events[i].tagB, begin: events[i].begin))
        }
        cb2_world_clear_events(handle)
        return result
    }

    /// The closest hit along p1 → p2 among fixtures in `categoryMask`: fraction in [0, 1] and point.
    func rayCast(from p1: Vec2, to p2: Vec2, categoryMask: UInt16) -> (fraction: Float, point: Vec2) {
        var hit = CB2Vec2()
        let fraction = cb2_world_raycast(handle, p1.c, p2.c, categoryMask, &hit)
        return (fraction, Vec2(hit))
    }

    /// Casts a fan of rays from `origin`: for each end point, the closest hit fraction and point among
    /// fixtures in `categoryMask`, exactly as `rayCast` would give for each ray on its own.
    func rayCastFan(from origin: Vec2, to ends: [Vec2], categoryMask: UInt16,
                    fractions: inout [Float], points: inout [Vec2]) {
        let count = ends.count
        if fractions.count != count { fractions = [Float](repeating: 1, count: count) }
        if points.count != count { points = [Vec2](repeating: origin, count: count) }
        let raw = ends.map(\.c)
        var rawPoints = [CB2Vec2](repeating: CB2Vec2(), count: count)
        fractions.withUnsafeMutableBufferPointer { f in
            cb2_world_raycast_fan(handle, origin.c, raw, Int32(count), categoryMask, f.baseAddress, &rawPoints)
        }
        for i in 0..<count { points[i] = Vec2(rawPoints[i]) }
    }

    func createBody(_ type: BodyType, at position: Vec2, angle: Float = 0) -> PhysicsBody {
        let raw: CB2BodyType
        switch type {
        case .staticBody: raw = CB2_STATIC
        case .dynamicBody: raw = CB2_DYNAMIC
        }
        return PhysicsBody(world: self, handle: cb2_body_create(handle, raw, position.x, position.y, angle))
    }

    func destroy(_ body: PhysicsBody) {
        cb2_body_destroy(handle, body.handle)
    }

    func createRevoluteJoint(_ a: PhysicsBody, _ b: PhysicsBody, _ def: RevoluteJointDefinition) -> RevoluteJoint {
        let raw = CB2RevoluteJointDef(
            localAnchorA: def.localAnchorA.c, localAnchorB: def.localAnchorB.c,
            enableMotor: def.enableMotor, enableLimit: def.enableLimit,
            maxMotorTorque: def.maxMotorTorque, motorSpeed: def.motorSpeed,
            lowerAngle: def.lowerAngle, upperAngle: def.upperAngle)
        return RevoluteJoint(handle: cb2_revolute_joint_create(handle, a.handle, b.handle, raw))
    }

    /// Top-down friction between `body` and `ground`: at most `maxForce` N and `maxTorque` N·m
    /// against relative motion (Box2D's friction joint).
    @discardableResult
    func createFrictionJoint(ground: PhysicsBody, body: PhysicsBody, maxForce: Float, maxTorque: Float) -> OpaquePointer {
        cb2_friction_joint_create(handle, ground.handle, body.handle, maxForce, maxTorque)
    }

    enum BodyType { case staticBody, dynamicBody }
}

/// A body in a `PhysicsWorld`. Valid while the world lives and the body is not destroyed.
final class PhysicsBody {
    unowned let world: PhysicsWorld
    fileprivate let handle: OpaquePointer
    /// Shapes in body-local coordinates, for drawing.
    private(set) var shapes: [BodyShape] = []

    fileprivate init(world: PhysicsWorld, handle: OpaquePointer) {
        self.world = world
        self.handle = handle
    }

    func addPolygon(_ vertices: [Vec2], _ material: FixtureMaterial) {
        let raw = vertices.map(\.c)
        raw.withUnsafeBufferPointer { cb2_body_add_polygon(handle, $0.baseAddress, Int32($0.count), material.c) }
        shapes.append(.polygon(vertices))
    }

    func addBox(halfWidth: Float, halfHeight: Float, _ material: FixtureMaterial) {
        cb2_body_add_box(handle, halfWidth, halfHeight, material.c)
        shapes.append(.polygon([Vec2(-halfWidth, -halfHeight), Vec2(halfWidth, -halfHeight),
                                Vec2(halfWidth, halfHeight), Vec2(-halfWidth, halfHeight)]))
    }

    func addEdge(_ v1: Vec2, _ v2: Vec2, _ material: FixtureMaterial) {
        cb2_body_add_edge(handle, v1.c, v2.c, material.c)
        shapes.append(.edge(v1, v2))
    }

    var position: Vec2 { Vec2(cb2_body_position(handle)) }
    var angle: Float { cb2_body_angle(handle) }
    var linearVelocity: Vec2 { Vec2(cb2_body_linear_velocity(handle)) }
    var angularVelocity: Float { cb2_body_angular_velocity(handle) }
    var isAwake: Bool { cb2_body_is_awake(handle) }
    /// Mass (kg) and rotational inertia about the centre of mass (kg·m²), from the fixtures.
    var mass: Float { cb2_body_mass(handle) }
    var inertia: Float { cb2_body_inertia(handle) }

    func worldVector(_ local: Vec2) -> Vec2 { Vec2(cb2_body_world_vector(handle, local.c)) }

    /// A body-local point in world coordinates.
    func worldPoint(_ local: Vec2) -> Vec2 {
        let p = position, a = angle
        let c = cos(a), s = sin(a)
        return Vec2(p.x + c * local.x - s * local.y, p.y + s * local.x + c * local.y)
    }

    func applyForceToCenter(_ force: Vec2, wake: Bool = true) {
        cb2_body_apply_force_to_center(handle, force.c, wake)
    }

    func applyLinearImpulse(_ impulse: Vec2, at point: Vec2, wake: Bool = true) {
        cb2_body_apply_linear_impulse(handle, impulse.c, point.c, wake)
    }

    func addCircle(radius: Float, _ material: FixtureMaterial) {
        cb2_body_add_circle(handle, Vec2(0, 0).c, radius, material.c)
        shapes.append(.circle(center: Vec2(0, 0), radius: radius))
    }

    func setLinearVelocity(_ velocity: Vec2) { cb2_body_set_linear_velocity(handle, velocity.c) }
    func setAngularVelocity(_ omega: Float) { cb2_body_set_angular_velocity(handle, omega) }

    func applyTorque(_ torque: Float, wake: Bool = true) {
        cb2_body_apply_torque(handle, torque, wake)
    }
}

struct RevoluteJointDefinition {
    var localAnchorA = Vec2(0, 0)
    var localAnchorB = Vec2(0, 0)
    var enableMotor = false
    var enableLimit = false
    var maxMotorTorque: Float = 0
    var motorSpeed: Float = 0
    var lowerAngle: Float = 0
    var upperAngle: Float = 0
}

final class RevoluteJoint {
    fileprivate let handle: OpaquePointer
    fileprivate init(handle: OpaquePointer) { self.handle = handle }
    var angle: Float { cb2_revolute_joint_angle(handle) }
    var speed: Float { cb2_revolute_joint_speed(handle) }
    func setMotorSpeed(_ speed: Float) { cb2_revolute_joint_set_motor_speed(handle, speed) }
    func setMaxMotorTorque(_ torque: Float) { cb2_revolute_joint_set_max_motor_torque(handle, torque) }
}
