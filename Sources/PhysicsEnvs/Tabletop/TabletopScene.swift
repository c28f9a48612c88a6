import Foundation
import SandboxCore

/// One tabletop episode's Box2D world: a walled table seen from above, three debris pieces held by table
/// friction, and a robot. Facts from X-Magical (kevinzakka/x-magical @ c8d812e, `base_env.py`,
/// `entities/*.py`):
/// - zero gravity; one environment step is 0.125 s (8 fps), simulated as 10 substeps of 0.0125 s;
/// - the arena is [−1.1, 1.1]², walled with friction 0.8;
/// - debris have mass 0.01 and friction 0.5; the table holds each with at most 1.5 N and 0.1 N·m
///   (pymunk's pivot + gear "ground friction", here Box2D's friction joint), so a piece stops almost at
///   once when nothing pushes it.
final class TabletopScene {
    static let arenaHalfSize: Float = 1.1
    static let wallFriction: Float = 0.8
    static let debrisMass: Float = 0.01
    static let debrisFriction: Float = 0.5
    static let stepSeconds: Float = 0.125
    static let substeps = 10
    static var substepSeconds: Float { stepSeconds / Float(substeps) }
    /// Robot start: (0, −0.6) facing +y, never randomised.
    static let robotStart = Vec2(0, -0.6)
    static let speedLimit: Float = 0.8
    static let turnRateLimit: Float = 2.5

    static let wallCategory: UInt16 = 0x0001
    static let debrisCategory: UInt16 = 0x0002
    static let robotCategory: UInt16 = 0x0004

    /// A debris piece: its body, outline and colour.
    struct Debris {
        let body: PhysicsBody
        let shape: DebrisShape
        let palette: TabletopPalette
    }

    let body: TabletopBody
    let dynamics: TabletopDynamics
    private let world: PhysicsWorld
    let robot: PhysicsBody
    /// The gripper's fingers (left, right) and their hinges; empty for the sticks.
    private(set) var fingers: [(body: PhysicsBody, hinge: RevoluteJoint, side: Float)] = []
    let debris: [Debris]

    init(body: TabletopBody, debrisPositions: [Vec2], shapes: [DebrisShape], colors: [TabletopPalette],
         dynamics: TabletopDynamics) {
        self.body = body
        self.dynamics = dynamics
        world = PhysicsWorld(gravity: Vec2(0, 0))
        let ground = world.createBody(.staticBody, at: Vec2(0, 0))
        // Walls 1 unit thick whose inner faces lie on ±1.1, as x-magical's segments of radius 1.
        let h = Self.arenaHalfSize, wall = FixtureMaterial(friction: Self.wallFriction, categoryBits: Self.wallCategory)
        for (x, y, hx, hy) in [(0, h + 0.5, h + 1, Float(0.5)), (0, -h - 0.5, h + 1, 0.5),
                               (h + 0.5, 0, 0.5, h + 1), (-h - 0.5, 0, 0.5, h + 1)] as [(Float, Float, Float, Float)] {
            let w = world.createBody(.staticBody, at: Vec2(x, y))
            w.addBox(halfWidth: hx, halfHeight: hy, wall)
        }
        var pieces: [Debris] = []
        for (i, position) in debrisPositions.enumerated() {
            let piece = world.createBody(.dynamicBody, at: position)
            let density = Self.debrisMass / shapes[i].area
            let material = FixtureMaterial(density: density, friction: Self.debrisFriction,
                                           categoryBits: Self.debrisCategory, tag: Int32(10 + i))
            if let parts = shapes[i].convexParts {
                for part in parts { piece.addPolygon(part, material) }
            } else {
                piece.addCircle(radius: DebrisShape.circleRadius, material)
            }
            world.createFrictionJoint(ground: ground, body: piece, maxForce: dynamics.debrisForce, maxTorque: dynamics.debrisTorque)
            pieces.append(Debris(body: piece, shape: shapes[i], palette: colors[i]))
        }
        debris = pieces
        robot = world.createBody(.dynamicBody, at: Self.robotStart)
        let robotMaterial = { (density: Float, friction: Float) in
            FixtureMaterial(density: density, friction: friction, categoryBits: Self.robotCategory,
                            maskBits: Self.wallCategory | Self.debrisCategory)
        }
        if let width = body.stickWidth {
            let t = TabletopBody.stickThickness
            robot.addBox(halfWidth: width / 2, halfHeight: t / 2, robotMaterial(TabletopBody.mass / (width * t), TabletopBody.robotFriction))
        } else {
            let r = TabletopBody.radius
            robot.addCircle(radius: r, robotMaterial(TabletopBody.mass / (.pi * r * r), TabletopBody.robotFriction))
            for side in [Float(-1), 1] {
                let pivot = Vec2(side * TabletopBody.fingerPivot.x, TabletopBody.fingerPivot.y)
                let finger = world.createBody(.dynamicBody, at: Vec2(Self.robotStart.x + pivot.x, Self.robotStart.y + pivot.y))
                let parts = Self.fingerParts(side: side)
                let area = TabletopBody.upperArm.width * TabletopBody.upperArm.length + TabletopBody.forearm.width * TabletopBody.forearm.length
                for part in parts { finger.addPolygon(part, robotMaterial(TabletopBody.fingerMass / area, TabletopBody.fingerFriction)) }
                // Outward is −x for the left finger (side −1): a positive (counter-clockwise) turn.
                let travel = TabletopBody.fingerTravel
                let definition = RevoluteJointDefinition(
                    localAnchorA: pivot, localAnchorB: Vec2(0, 0), enableMotor: true, enableLimit: true,
                    maxMotorTorque: dynamics.fingerTorque, motorSpeed: 0,
                    lowerAngle: side < 0 ? 0 : -travel, upperAngle: side < 0 ? travel : 0)
                fingers.append((finger, world.createRevoluteJoint(robot, finger, definition), side))
            }
        }
    }

    /// A finger's upper arm (from its pivot forwards) and forearm (angled π/8 inwards), in the finger's frame.
    static func fingerParts(side: Float) -> [[Vec2]] {
        let (w, l) = TabletopBody.upperArm
        let upper = [Vec2(-w / 2, 0), Vec2(w / 2, 0), Vec2(w / 2, l), Vec2(-w / 2, l)]
        let (fw, fl, angle) = TabletopBody.forearm
        // Inwards is towards x = 0: +x for the left finger (side −1).
        let a = -side * angle
        let c = cos(a), s = sin(a)
        let local = [Vec2(-fw / 2, 0), Vec2(fw / 2, 0), Vec2(fw / 2, fl), Vec2(-fw / 2, fl)]
        let forearm = local.map { p in Vec2(c * p.x + s * p.y, l - s * p.x + c * p.y) }
        return [upper, DebrisShape.counterClockwise(forearm)]
    }

    // MARK: stepping

    /// One environment step: the drive is re-applied at every substep, as x-magical re-targets its control
    /// body. `action` is already clipped to [−1, 1].
    func step(_ action: [Float]) {
        let dt = Self.substepSeconds
        let speed = Swift.max(-Self.speedLimit, Swift.min(Self.speedLimit, action[0]))
        let turnRate = Swift.max(-Self.turnRateLimit, Swift.min(Self.turnRateLimit, action[1] / dt))
        let fingerTarget = body == .gripper ? Swift.max(0, Swift.min(TabletopBody.fingerTravel, TabletopBody.fingerTravel - action[2])) : 0
        let mass = robot.mass, inertia = robot.inertia
        for _ in 0..<Self.substeps {
            let forward = heading
            let velocity = robot.linearVelocity
            var fx = mass * (forward.x * speed - velocity.x) / dt, fy = mass * (forward.y * speed - velocity.y) / dt
            let norm = (fx * fx + fy * fy).squareRoot()
            if norm > dynamics.robotForce { fx *= dynamics.robotForce / norm; fy *= dynamics.robotForce / norm }
            robot.applyForceToCenter(Vec2(fx, fy))
            let torque = inertia * (turnRate - robot.angularVelocity) / dt
            robot.applyTorque(Swift.max(-dynamics.robotTorque, Swift.min(dynamics.robotTorque, torque)))
            for finger in fingers {
                // Outward opening of this finger, and x-magical's motor rate clip(10·error, ±1).
                let opening = -finger.side * finger.hinge.angle
                let rate = Swift.max(-1, Swift.min(1, 10 * (fingerTarget - opening)))
                finger.hinge.setMotorSpeed(-finger.side * rate)
            }
            world.step(dt, velocityIterations: 10, positionIterations: 4)
        }
    }

    // MARK: state

    /// The robot's forward direction: +y at angle 0.
    var heading: Vec2 { let a = robot.angle; return Vec2(-sin(a), cos(a)) }

    var robotPosition: Vec2 { robot.position }

    /// How open the gripper's fingers are, 0 (closed) to 1 (open); 0 for the sticks.
    var fingerOpening: Float {
        guard !fingers.isEmpty else { return 0 }
        let total = fingers.reduce(Float(0)) { $0 + (-$1.side * $1.hinge.angle) }
        return Swift.max(0, Swift.min(1, total / Float(fingers.count) / TabletopBody.fingerTravel))
    }

    /// A debris piece's axis-aligned bounding box in world coordinates (min, max).
    func boundingBox(of piece: Debris) -> (min: Vec2, max: Vec2) {
        if piece.shape == .circle {
            let p = piece.body.position, r = DebrisShape.circleRadius
            return (Vec2(p.x - r, p.y - r), Vec2(p.x + r, p.y + r))
        }
        var lo = Vec2(.infinity, .infinity), hi = Vec2(-.infinity, -.infinity)
        for case let .polygon(vertices) in piece.body.shapes {
            for v in vertices {
                let w = piece.body.worldPoint(v)
                lo = Vec2(Swift.min(lo.x, w.x), Swift.min(lo.y, w.y))
                hi = Vec2(Swift.max(hi.x, w.x), Swift.max(hi.y, w.y))
            }
        }
        return (lo, hi)
    }

    /// The state observation (16-d, 17-d for the gripper), in x-magical's order: robot xy, debris xy,
    /// cos/sin of the heading, robot-to-debris distances and debris-to-top distances (both / 2√2), and
    /// for the gripper the finger opening.
    func observation() -> [Float] {
        let scale = Float(2 * 2.0.squareRoot())
        let r = robot.position
        var o: [Float] = [r.x, r.y]
        for piece in debris { let p = piece.body.position; o += [p.x, p.y] }
        o += [cos(robot.angle), sin(robot.angle)]
        for piece in debris {
            let p = piece.body.position
            o.append(((p.x - r.x) * (p.x - r.x) + (p.y - r.y) * (p.y - r.y)).squareRoot() / scale)
        }
        for piece in debris { o.append(abs(1 - piece.body.position.y) / scale) }
        if body == .gripper { o.append(fingerOpening) }
        return o
    }

    /// Whether a point lies inside the rectangle (inclusive).
    static func contains(_ rect: (min: Vec2, max: Vec2), _ p: Vec2) -> Bool {
        p.x >= rect.min.x && p.x <= rect.max.x && p.y >= rect.min.y && p.y <= rect.max.y
    }
}
