import Foundation
import SandboxCore

/// A dense `Float` tensor in row-major order, with an optional place in an autodiff graph.
///
/// Operations on tensors build the graph as they run (like PyTorch's eager mode): each result keeps
/// its parents and how to send its gradient back to them, but only when some parent requires a
/// gradient. `backward()` on a scalar result then fills `grad` of every tensor that requires one.
/// There is no global tape: a graph lives as long as its result.
public final class Tensor {
    public let shape: [Int]
    /// Values in row-major order; `data.count == shape.product`.
    public internal(set) var data: [Float]
    /// Whether gradients flow to this tensor (parameters, or anything computed from them).
    public let requiresGrad: Bool
    /// The gradient of the last `backward()`, same layout as `data`; nil until one arrives.
    public internal(set) var grad: [Float]?

    /// Inputs this tensor was computed from (empty for leaves).
    let parents: [Tensor]
    /// Sends `self.grad` to the parents' gradients. Receives the tensor itself so that it need not
    /// capture it (which would make a reference cycle).
    let backwardFunction: ((Tensor) -> Void)?

    /// A leaf tensor.
    public init(shape: [Int], data: [Float], requiresGrad: Bool = false) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        precondition(data.count == shape.reduce(1, *), "shape \(shape) needs \(shape.reduce(1, *)) values, got \(data.count)")
        self.shape = shape
        self.data = data
        self.requiresGrad = requiresGrad
        parents = []
        backwardFunction = nil
    }

    /// A result of an operation: it requires a gradient when a parent does, and only then keeps them.
    init(shape: [Int], data: [Float], parents: [Tensor], backward: @escaping (Tensor) -> Void) {
        self.shape = shape
        self.data = data
        let needsGrad = parents.contains { $0.requiresGrad }
        requiresGrad = needsGrad
        self.parents = needsGrad ? parents : []
        backwardFunction = needsGrad ? backward : nil
    }

    public convenience init(_ scalar: Float) { self.init(shape: [], data: [scalar]) }

    public convenience init(_ values: [Float], requiresGrad: Bool = false) {
        self.init(shape: [values.count], data: values, requiresGrad: requiresGrad)
    }

    /// A 2-D tensor from rows of equal length.
    public convenience init(rows: [[Float]], requiresGrad: Bool = false) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "rows differ in length")
        self.init(shape: [rows.count, columns], data: rows.flatMap { $0 }, requiresGrad: requiresGrad)
    }

    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        Tensor(shape: shape, data: [Float](repeating: 0, count: shape.reduce(1, *)), requiresGrad: requiresGrad)
    }

    public static func ones(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, data: [Float](repeating: 1, count: shape.reduce(1, *)))
    }

    public static func full(_ shape: [Int], _ value: Float) -> Tensor {
        Tensor(shape: shape, data: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// Standard-normal values from a seeded generator.
    public static func randn<G: RandomNumberGenerator>(_ shape: [Int], using generator: inout G, requiresGrad: Bool = false) -> Tensor {
        let n = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: n)
        for i in 0..<n { values[i] = Float(normalSample(using: &generator)) }
        return Tensor(shape: shape, data: values, requiresGrad: requiresGrad)
    }

    /// Uniform values in [low, high) from a seeded generator.
    public static func uniform<G: RandomNumberGenerator>(_ shape: [Int], low: Float, high: Float, using generator: inout G) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, data: (0..<n).map { _ in Float.random(in: low..<high, using: &generator) })
    }

    public var count: Int { data.count }
    public var rank: Int { shape.count }

    /// The single value of a one-element tensor.
    public var item: Float {
        precondition(data.count == 1, "item needs a one-element tensor, shape is \(shape)")
        return data[0]
    }

    /// A copy outside any graph.
    public func detached() -> Tensor { Tensor(shape: shape, data: data) }

    /// A leaf copy that requires a gradient.
    public func variable() -> Tensor { Tensor(shape: shape, data: data, requiresGrad: true) }

    /// Adds `g` into this tensor's gradient.
    func accumulate(_ g: UnsafeBufferPointer<Float>) {
        if grad == nil {
            grad = Array(g)
            return
        }
        grad!.withUnsafeMutableBufferPointer { out in
            for i in 0..<out.count { out[i] += g[i] }
        }
    }

    func accumulate(_ g: [Float]) { g.withUnsafeBufferPointer { accumulate($0) } }

    /// Gives mutable access to this tensor's gradient, zero-filled on first use.
    func withGradient<R>(_ body: (UnsafeMutableBufferPointer<Float>) -> R) -> R {
        if grad == nil { grad = [Float](repeating: 0, count: data.count) }
        return grad!.withUnsafeMutableBufferPointer { body($0) }
    }

    /// Adds a product into this tensor's gradient: `body(pointer, beta)` must write β·g + product. On
    /// the first gradient the buffer is fresh and β is 0 (no zero-fill, no read of C).
    func accumulateProduct(_ body: (UnsafeMutablePointer<Float>, Float) -> Void) {
        if grad == nil {
            grad = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                body(buffer.baseAddress!, 0)
                initialized = count
            }
        } else {
            grad!.withUnsafeMutableBufferPointer { body($0.baseAddress!, 1) }
        }
    }

    /// Sets or clears the gradient (optimisers zero parameters' gradients between steps).
    public func zeroGrad() { grad = nil }

    /// Replaces values in place (for optimisers and loading); the shape is kept.
    public func assign(_ values: [Float]) {
        precondition(values.count == data.count, "assign needs \(data.count) values, got \(values.count)")
        data = values
    }

    /// Mutates values in place (for optimisers).
    public func updateData(_ body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        data.withUnsafeMutableBufferPointer { body($0) }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = data.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), data: [\(preview)\(data.count > 8 ? ", …" : "")])"
    }
}

/// A standard normal sample (Box–Muller).
func normalSample<G: RandomNumberGenerator>(using generator: inout G) -> Double {
    let u1 = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &generator)
    let u2 = Double.random(in: 0..<1, using: &generator)
    return boxMuller(u1, u2)
}
