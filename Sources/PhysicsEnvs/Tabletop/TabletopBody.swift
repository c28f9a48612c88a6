import Foundation

/// The four robot bodies of the tabletop tasks, after X-Magical's embodiments
/// (kevinzakka/x-magical @ c8d812e, `xmagical/entities/embodiments/*.py`).
///
/// All four are non-holonomic with mass 1 kg and the same drive (`TabletopScene.drive`):
/// - `a0`: target forward speed, clipped to ±0.8 units/s (4 × the robot radius 0.2), tracked with at
///   most 5 N;
/// - `a1`: a turn towards heading + a1, at most 2.5 rad/s and 1 N·m;
/// - the gripper's `a2` closes its fingers: open at a2 ≤ 0, closed at a2 ≥ π/8 ≈ 0.39.
///
/// The sticks are blades across the heading, 0.1 thick (0.5 × radius): short 0.3 (1.5 r), medium 0.6
/// (3 r), long 1.6 (8 r) wide. The gripper is a disc of radius 0.2 with two fingers, each an upper arm
/// 0.05 × 0.22 and a forearm 0.05 × 0.14 angled π/8 inwards, pivoting at (±0.09, 0.02) within [0, π/8]
/// outwards, with friction 5, mass 1/8 and a motor of 4 N·m.
public enum TabletopBody: String, CaseIterable, Sendable {
    case shortStick = "ShortStick"
    case mediumStick = "MediumStick"
    case longStick = "LongStick"
    case gripper = "Gripper"

    /// X-Magical's robot radius, the unit its bodies are sized in.
    static let radius: Float = 0.2
    static let mass: Float = 1
    /// Blade thickness along the heading (0.5 r).
    static let stickThickness: Float = 0.1
    static let robotFriction: Float = 0.5

    static let fingerMass: Float = 1.0 / 8
    static let fingerFriction: Float = 5
    static let fingerPivot = Vec2(0.09, 0.02)
    static let upperArm = (width: Float(0.05), length: Float(0.22))
    static let forearm = (width: Float(0.05), length: Float(0.14), angle: Float.pi / 8)
    /// The fingers' outward travel: 0 is closed, π/8 fully open.
    static let fingerTravel = Float.pi / 8
    /// Finger motor torque (x-magical's `robot_finger_max_force`), N·m.
    static let fingerMotorTorque: Float = 4

    /// Blade width across the heading, for the sticks.
    var stickWidth: Float? {
        switch self {
        case .shortStick: 1.5 * Self.radius
        case .mediumStick: 3 * Self.radius
        case .longStick: 8 * Self.radius
        case .gripper: nil
        }
    }

    /// Moment of inertia about the centre, kg·m²: a blade's m(w² + t²)/12; for the gripper, its disc
    /// m r²/2 plus its fingers, about 0.03.
    var inertia: Float {
        let t = Self.stickThickness
        return stickWidth.map { Self.mass * ($0 * $0 + t * t) / 12 } ?? 0.03
    }

    /// Action dimensions: forward speed and turn, plus the fingers for the gripper.
    var actionCount: Int { self == .gripper ? 3 : 2 }

    /// X-Magical's time limits: 50 steps for the long stick ("requires little time"), 100 otherwise.
    var sweepEpisodeSteps: Int { self == .longStick ? 50 : 100 }

    /// How far behind a piece's centre the robot travels sideways to reach its push: a blade turned along
    /// the way reaches half its width to either side.
    var travelClearance: Float {
        // The gripper turns on the spot there: its fingertips and a turned piece's corner need 0.62.
        guard let width = stickWidth else { return 0.62 }
        // The long stick never travels sideways: it pushes everything at once from just behind.
        if self == .longStick { return pushClearance + 0.1 }
        return Swift.max(pushClearance, width / 2 + 0.106 + 0.06)
    }

    /// How far off the push line the robot's centre may be when it starts pushing, units.
    var lateralTolerance: Float { self == .longStick ? 0.3 : 0.06 }

    /// How far behind a debris piece's centre the robot's centre sits when it starts pushing (units):
    /// the body's reach in front of its centre, half a debris piece and a margin.
    var pushClearance: Float {
        switch self {
        case .gripper: 0.5
        default: Self.stickThickness / 2 + 0.106 + 0.05
        }
    }
}
