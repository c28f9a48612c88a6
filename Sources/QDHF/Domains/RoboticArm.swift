import Foundation

/// The planar robotic arm of QDHF (Ding et al. 2024) and of earlier QD work (Vassiliades & Mouret
/// 2018): `joints` revolute joints of equal length, total length 1. A solution is the joint angles
/// (radians, in [−π, π]); the objective is 100·(1 − variance of the angles), smooth arms scoring higher,
/// with the angles scaled to [−1, 1] (θ/π) so that the objective stays in [0, 100];
/// the ground-truth measures are the end-effector position (x, y) ∈ [−1, 1]²; the behaviour features
/// for learned measures are f(x) = [cos(cumsum θ), sin(cumsum θ)].
public struct RoboticArm: Sendable {
    public let joints: Int
    public init(joints: Int = 10) { self.joints = joints }

    public var solutionBounds: ClosedRange<Float> { -Float.pi...Float.pi }
    public var measureRanges: [ClosedRange<Double>] { [-1...1, -1...1] }

    public func objective(_ angles: [Float]) -> Double {
        let a = angles.map { Double($0) / Double.pi }
        let mean = a.reduce(0, +) / Double(a.count)
        let variance = a.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(a.count)
        return 100 * (1 - variance)
    }

    public func endEffector(_ angles: [Float]) -> [Double] {
        let link = 1.0 / Double(joints)
        var total = 0.0, x = 0.0, y = 0.0
        for angle in angles {
            total += Double(angle)
            x += link * cos(total)
            y += link * sin(total)
        }
        return [x, y]
    }

    /// f(x): cosines then sines of the cumulative angles.
    public func features(_ angles: [Float]) -> [Float] {
        var total: Float = 0
        var cosines: [Float] = [], sines: [Float] = []
        for angle in angles {
            total += angle
            cosines.append(cos(total))
            sines.append(sin(total))
        }
        return cosines + sines
    }
}
