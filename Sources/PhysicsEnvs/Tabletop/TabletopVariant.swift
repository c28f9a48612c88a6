import Foundation
import SandboxCore
import Rendering

/// What a tabletop episode randomises (option `variant`), after X-Magical's SweepToTop variants
/// (kevinzakka/x-magical @ c8d812e, `benchmarks/__init__.py`, `benchmarks/sweep_to_top.py`). Each aspect
/// draws from its own generator, so a variant changes what it says and nothing else.
public enum TabletopVariant: Int, CaseIterable, Sendable {
    /// The fixed layout: every reset gives the same start.
    case demo
    /// One y ~ U(−0.1, 0.5) shared by the three debris; x drawn without repeats from {−0.8, −0.32, 0.16, 0.64}.
    case layout
    /// Goal and debris colours drawn from red, green, blue and yellow.
    case color
    /// Each debris drawn from square, pentagon, star and circle, all of (about) equal area.
    case shape
    /// The five force caps resampled (`TabletopDynamics.ranges`).
    case dynamics
    /// Every variant at once.
    case all

    public static let names = ["demo", "layout", "color", "shape", "dynamics", "all"]
    var name: String { Self.names[rawValue] }

    var randomisesLayout: Bool { self == .layout || self == .all }
    var randomisesColor: Bool { self == .color || self == .all }
    var randomisesShape: Bool { self == .shape || self == .all }
    var randomisesDynamics: Bool { self == .dynamics || self == .all }
}

/// The camera (option `view`): allocentric shows the arena × 1.02; egocentric turns with the robot,
/// which sits centred 15% up from the bottom of a 2.244-unit square view (x-magical `render.py`).
public enum TabletopView: Int, CaseIterable, Sendable {
    case allocentric
    case egocentric
    public static let names = ["allo", "ego"]
}

/// Debris outlines, each with the area of a circle of radius 0.12 (x-magical `entities/shape.py`), except
/// the star, whose 0.156 / 0.078 radii are x-magical's.
enum DebrisShape: Int, CaseIterable {
    case square, pentagon, star, circle

    static let circleRadius: Float = 0.12
    static let squareSide: Float = Float.pi.squareRoot() * 0.12
    static let pentagonRadius: Float = 0.13794
    static let starRadii = (outer: Float(0.156), inner: Float(0.078))

    /// Convex parts in body coordinates (the star is an inner pentagon and five tips); nil for the circle.
    var convexParts: [[Vec2]]? {
        switch self {
        case .square:
            let h = Self.squareSide / 2
            return [[Vec2(-h, -h), Vec2(h, -h), Vec2(h, h), Vec2(-h, h)]]
        case .pentagon:
            return [Self.ring(count: 5, radius: Self.pentagonRadius, phase: 0)]
        case .star:
            let inner = Self.ring(count: 5, radius: Self.starRadii.inner, phase: .pi / 5)
            let outer = Self.ring(count: 5, radius: Self.starRadii.outer, phase: 0)
            var parts = [inner]
            for i in 0..<5 { parts.append([inner[(i + 4) % 5], inner[i], outer[i]]) }
            return parts.map { Self.counterClockwise($0) }
        case .circle:
            return nil
        }
    }

    /// The outline drawn for people (the star's ten points in order).
    var outline: [Vec2] {
        switch self {
        case .star:
            let inner = Self.ring(count: 5, radius: Self.starRadii.inner, phase: .pi / 5)
            let outer = Self.ring(count: 5, radius: Self.starRadii.outer, phase: 0)
            return (0..<5).flatMap { [outer[$0], inner[$0]] }
        case .circle:
            return Self.ring(count: 48, radius: Self.circleRadius, phase: 0)
        default:
            return convexParts![0]
        }
    }

    /// The area of the outline, m².
    var area: Float {
        if self == .circle { return .pi * Self.circleRadius * Self.circleRadius }
        return abs(Self.signedArea(outline))
    }

    /// `count` points on a circle, the first at angle `phase` from +y, counter-clockwise.
    static func ring(count: Int, radius: Float, phase: Float) -> [Vec2] {
        (0..<count).map { i in
            let a = phase + 2 * .pi * Float(i) / Float(count)
            return Vec2(-radius * sin(a), radius * cos(a))
        }
    }

    /// The shoelace area of a closed polygon: positive when its points run counter-clockwise.
    static func signedArea(_ p: [Vec2]) -> Float {
        var sum: Float = 0
        for i in p.indices { let a = p[i], b = p[(i + 1) % p.count]; sum += a.x * b.y - b.x * a.y }
        return sum / 2
    }

    static func counterClockwise(_ p: [Vec2]) -> [Vec2] { signedArea(p) >= 0 ? p : p.reversed() }
}

/// X-Magical's colours (`style.py`): fill, outline (darkened) and goal fill (lightened twice), RGB 0–255.
enum TabletopPalette: Int, CaseIterable {
    case red, green, blue, yellow

    var fill: Color {
        switch self {
        case .red: Color(245, 129, 165)
        case .green: Color(195, 208, 130)
        case .blue: Color(135, 185, 211)
        case .yellow: Color(254, 213, 123)
        }
    }

    var outline: Color {
        switch self {
        case .red: Color(243, 94, 141)
        case .green: Color(183, 198, 105)
        case .blue: Color(110, 170, 202)
        case .yellow: Color(254, 201, 86)
        }
    }

    var goalFill: Color {
        switch self {
        case .red: Color(250, 190, 209)
        case .green: Color(224, 231, 191)
        case .blue: Color(194, 219, 233)
        case .yellow: Color(254, 234, 188)
        }
    }

    static let robotFill = Color(162, 163, 175)
    static let robotOutline = Color(144, 145, 159)
    static let background = Color(231, 231, 234)
    static let arena = Color(255, 255, 255)
    static let arenaOutline = Color(180, 180, 188)
}

/// The five force caps of the tabletop physics (x-magical `base_env.py`), with the Dynamics variant's
/// ranges. They stand in for friction: the robot's drive and the table's grip on the debris.
struct TabletopDynamics: Equatable {
    /// The robot's drive force cap, N (`robot_pos_joint_max_force`).
    var robotForce: Float = 5
    /// The robot's turning torque cap, N·m (`robot_rot_joint_max_force`).
    var robotTorque: Float = 1
    /// The gripper's finger motor torque, N·m (`robot_finger_max_force`).
    var fingerTorque: Float = 4
    /// Table friction on each debris piece: force cap, N (`shape_trans_joint_max_force`).
    var debrisForce: Float = 1.5
    /// Table friction on each debris piece: torque cap, N·m (`shape_rot_joint_max_force`).
    var debrisTorque: Float = 0.1

    static let ranges = (robotForce: (3.2, 5.5), robotTorque: (0.7, 1.5), fingerTorque: (2.5, 4.5),
                         debrisForce: (1.0, 1.8), debrisTorque: (0.07, 0.15))

    static func sample(using generator: inout SeededGenerator) -> TabletopDynamics {
        let r = ranges
        return TabletopDynamics(
            robotForce: Float(generator.uniform(r.robotForce.0, r.robotForce.1)),
            robotTorque: Float(generator.uniform(r.robotTorque.0, r.robotTorque.1)),
            fingerTorque: Float(generator.uniform(r.fingerTorque.0, r.fingerTorque.1)),
            debrisForce: Float(generator.uniform(r.debrisForce.0, r.debrisForce.1)),
            debrisTorque: Float(generator.uniform(r.debrisTorque.0, r.debrisTorque.1)))
    }
}
