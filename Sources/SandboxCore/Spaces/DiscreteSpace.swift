/// A finite set of choices `start, start + 1, …, start + n − 1`, like Gymnasium's `spaces.Discrete`.
///
/// A discrete value travels in the same flat `[Float]` arrays as a box's: one entry holding the
/// choice's index, so that records, replay and the vector environment need no second code path.
public struct DiscreteSpace: Sendable, Equatable, Codable {
    /// Number of choices.
    public let n: Int
    /// The first choice's value (Gymnasium's `start`).
    public let start: Int

    public init(_ n: Int, start: Int = 0) {
        precondition(n > 0, "DiscreteSpace needs at least one choice")
        self.n = n
        self.start = start
    }

    private enum CodingKeys: String, CodingKey { case n, start }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let n = try c.decode(Int.self, forKey: .n)
        guard n > 0 else {
            throw DecodingError.dataCorruptedError(forKey: .n, in: c, debugDescription: "a discrete space needs at least one choice, not \(n)")
        }
        self.init(n, start: try c.decodeIfPresent(Int.self, forKey: .start) ?? 0)
    }

    /// Whether `value` is exactly one of the choices.
    public func contains(_ value: Int) -> Bool { value >= start && value < start + n }

    /// A uniform choice.
    public func sample<G: RandomNumberGenerator>(using generator: inout G) -> Int {
        start + Int(generator.next(upperBound: UInt64(n)))
    }
}

/// The space of a task's observations or actions: a box in ℝⁿ or a finite set of choices.
public enum Space: Sendable, Equatable {
    case box(BoxSpace)
    case discrete(DiscreteSpace)

    /// The box, when this is one.
    public var box: BoxSpace? {
        if case .box(let box) = self { return box }
        return nil
    }

    /// The finite set, when this is one.
    public var discrete: DiscreteSpace? {
        if case .discrete(let space) = self { return space }
        return nil
    }

    /// Entries in the flat `[Float]` array that carries a value: the box's size, or 1 for a choice.
    public var count: Int {
        switch self {
        case .box(let box): return box.count
        case .discrete: return 1
        }
    }

    /// How to read the flat array.
    public var shape: [Int] {
        switch self {
        case .box(let box): return box.shape
        case .discrete: return []
        }
    }

    public var shapeDescription: String {
        switch self {
        case .box(let box): return box.shapeDescription
        case .discrete(let space): return space.start == 0 ? "Discrete(\(space.n))" : "Discrete(\(space.n), start=\(space.start))"
        }
    }

    /// Whether `values` is a member: inside the box, or one entry that is exactly a choice.
    public func contains(_ values: [Float], tolerance: Float = 0) -> Bool {
        switch self {
        case .box(let box): return box.contains(values, tolerance: tolerance)
        case .discrete(let space):
            guard values.count == 1, let value = Int(exactly: values[0]) else { return false }
            return space.contains(value)
        }
    }

    /// Clips a box value into its bounds; a choice is left as it is (see `validated(_:)`).
    public func clip(_ values: [Float]) -> [Float] {
        switch self {
        case .box(let box): return box.clip(values)
        case .discrete: return values
        }
    }

    /// A uniform sample.
    public func sample<G: RandomNumberGenerator>(using generator: inout G) -> [Float] {
        switch self {
        case .box(let box): return box.sample(using: &generator)
        case .discrete(let space): return [Float(space.sample(using: &generator))]
        }
    }

    /// Checks an action against the space, as every task does before it steps: a wrong length or a
    /// non-finite entry is an error, and so is a choice that is not a whole number in range; a box
    /// value outside its bounds is clipped.
    public func validated(_ action: [Float]) throws(EnvironmentError) -> [Float] {
        guard action.count == count else {
            throw .wrongActionLength(expected: count, got: action.count)
        }
        for (i, value) in action.enumerated() where !value.isFinite {
            throw .nonFiniteAction(index: i, value: value)
        }
        switch self {
        case .box(let box):
            return box.clip(action)
        case .discrete(let space):
            guard let choice = Int(exactly: action[0]), space.contains(choice) else {
                throw .invalidChoice(value: action[0], choices: space.n, start: space.start)
            }
            return action
        }
    }
}

extension Space: Codable {
    // A box encodes exactly as `BoxSpace` always has (`{"shape", "low", "high"}`), so files written
    // before discrete spaces existed read unchanged; a choice encodes as `{"n", "start"}`.
    private enum Keys: String, CodingKey { case n }

    public init(from decoder: Decoder) throws {
        let keys = try decoder.container(keyedBy: Keys.self)
        if keys.contains(.n) {
            self = .discrete(try DiscreteSpace(from: decoder))
        } else {
            self = .box(try BoxSpace(from: decoder))
        }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .box(let box): try box.encode(to: encoder)
        case .discrete(let space): try space.encode(to: encoder)
        }
    }
}
