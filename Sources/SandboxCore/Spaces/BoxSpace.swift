/// A box in ℝⁿ with per-dimension bounds, like Gymnasium's `spaces.Box`.
///
/// Observations and actions are flat `[Float]` arrays in row-major order; `shape` says how to read
/// them (`[8]` for the lander's state, `[96, 96, 3]` for CarRacing's pixels).
public struct BoxSpace: Sendable, Equatable, Codable {
    public let shape: [Int]
    public let low: [Float]
    public let high: [Float]

    public init(low: [Float], high: [Float], shape: [Int]? = nil) {
        precondition(low.count == high.count, "BoxSpace bounds differ in length")
        self.low = low
        self.high = high
        self.shape = shape ?? [low.count]
    }

    /// A box with the same bounds in every dimension.
    public init(uniformLow: Float, high: Float, shape: [Int]) {
        let count = shape.reduce(1, *)
        self.init(low: Array(repeating: uniformLow, count: count), high: Array(repeating: high, count: count), shape: shape)
    }

    /// Number of scalar entries.
    public var count: Int { low.count }

    public func contains(_ values: [Float], tolerance: Float = 0) -> Bool {
        guard values.count == count else { return false }
        for i in 0..<count where !(values[i] >= low[i] - tolerance && values[i] <= high[i] + tolerance) {
            return false
        }
        return true
    }

    /// Clips each entry into its bounds.
    public func clip(_ values: [Float]) -> [Float] {
        var out = values
        for i in 0..<Swift.min(count, values.count) {
            out[i] = Swift.min(Swift.max(values[i], low[i]), high[i])
        }
        return out
    }

    /// A uniform sample; dimensions with infinite bounds sample a standard normal instead.
    public func sample<G: RandomNumberGenerator>(using generator: inout G) -> [Float] {
        (0..<count).map { i in
            if low[i].isFinite && high[i].isFinite {
                return Float.random(in: low[i]...high[i], using: &generator)
            }
            return Float.random(in: -1...1, using: &generator)
        }
    }

    public var shapeDescription: String { "(" + shape.map(String.init).joined(separator: ", ") + ")" }
}
