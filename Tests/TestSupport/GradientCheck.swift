import Testing
@testable import NeuralNets

/// A seeded generator for tests (SplitMix64).
public struct TestGenerator: RandomNumberGenerator {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A leaf tensor of uniform values in [low, high) that requires a gradient.
public func variable(_ shape: [Int], _ generator: inout TestGenerator, low: Float = -1, high: Float = 1) -> Tensor {
    Tensor.uniform(shape, low: low, high: high, using: &generator).variable()
}

/// Compares analytic gradients of `f` (which must return a scalar) with central finite differences,
/// at Float32 precision: step `epsilon`, and each error within `tolerance` × max(1, |gradient|).
/// Large inputs are checked at up to `samples` positions.
public func expectGradientsMatch(
    _ inputs: [Tensor], epsilon: Float = 1e-2, tolerance: Float = 2e-2, samples: Int = 24,
    sourceLocation: SourceLocation = #_sourceLocation, _ f: () -> Tensor
) {
    for input in inputs { input.zeroGrad() }
    let loss = f()
    #expect(loss.count == 1, "gradient check needs a scalar", sourceLocation: sourceLocation)
    loss.backward()
    var generator = TestGenerator(seed: 99)
    for (n, input) in inputs.enumerated() {
        guard let analytic = input.grad else {
            Issue.record("input \(n) received no gradient", sourceLocation: sourceLocation)
            continue
        }
        let positions = input.count <= samples ? Array(0..<input.count)
            : (0..<samples).map { _ in Int.random(in: 0..<input.count, using: &generator) }
        for i in positions {
            let original = input.data[i]
            input.data[i] = original + epsilon
            let plus = f().item
            input.data[i] = original - epsilon
            let minus = f().item
            input.data[i] = original
            let numeric = (plus - minus) / (2 * epsilon)
            let scale = max(1, abs(numeric), abs(analytic[i]))
            #expect(abs(numeric - analytic[i]) <= tolerance * scale,
                    "input \(n) element \(i): analytic \(analytic[i]) vs numeric \(numeric)", sourceLocation: sourceLocation)
        }
    }
}

/// A fixed random projection to a scalar, so that every output element affects the loss differently.
public func project(_ t: Tensor, seed: UInt64 = 7) -> Tensor {
    var generator = TestGenerator(seed: seed)
    return (t * Tensor.uniform(t.shape, low: -1, high: 1, using: &generator)).sum()
}
