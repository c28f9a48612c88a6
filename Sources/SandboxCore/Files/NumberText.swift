extension Double {
    /// The number as a person would write it in a message: `2`, not `2.0`; `0.0003`; `1e+300`.
    public var plainText: String {
        if isFinite, self == rounded(), abs(self) < 1e15 { return String(Int64(self)) }
        return "\(self)"
    }
}
