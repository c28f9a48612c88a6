/// A preference triplet over pooled rollouts, o⁺ ≻ o ≻ o⁻ (indices into the pool), or an "equal"
/// triplet whose two comparisons the person could not tell apart (target probability 0.5).
public struct Triplet: Codable, Sendable, Equatable {
    /// The most preferred rollout, the anchor of RAPL's loss.
    public var positive: Int
    /// The middle rollout, closer to the anchor than `negative` in what the person cares about.
    public var neutral: Int
    public var negative: Int
    /// The person found the three equally good (RAPL's equal triplets).
    public var equal: Bool

    public init(positive: Int, neutral: Int, negative: Int, equal: Bool = false) {
        self.positive = positive
        self.neutral = neutral
        self.negative = negative
        self.equal = equal
    }
}
