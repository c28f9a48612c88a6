import Foundation
internal import CKernels

// MARK: binary operations with broadcasting

extension Tensor {
    /// Applies `forward` element-wise over the broadcast shape of `a` and `b`; `backward` gives the
    /// local derivatives (d/da, d/db) at each element from (a, b, output).
    static func binary(
        _ a: Tensor, _ b: Tensor, _ name: String,
        forward: (Float, Float) -> Float,
        backward: @escaping (Float, Float, Float) -> (Float, Float)
    ) -> Tensor {
        guard let shape = ShapeMath.broadcast(a.shape, b.shape) else {
            preconditionFailure("\(name): shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        let n = ShapeMath.count(shape)
        let sameShape = a.shape == shape && b.shape == shape
        let aStrides = ShapeMath.broadcastStrides(a.shape, to: shape)
        let bStrides = ShapeMath.broadcastStrides(b.shape, to: shape)
        // Maps an output index to the two input indices.
        func indices(_ body: (Int, Int, Int) -> Void) {
            if sameShape {
                for i in 0..<n { body(i, i, i) }
            } else if b.count == 1 {
                for i in 0..<n { body(i, a.count == 1 ? 0 : i, 0) }
            } else if a.count == 1 {
                for i in 0..<n { body(i, 0, i) }
            } else if a.shape == shape && Array(shape.suffix(b.shape.count)) == b.shape {
                let inner = b.count
                for i in 0..<n { body(i, i, i % inner) }
            } else {
                var index = [Int](repeating: 0, count: shape.count)
                var ia = 0, ib = 0
                for i in 0..<n {
                    body(i, ia, ib)
                    var d = shape.count - 1
                    while d >= 0 {
                        index[d] += 1
                        ia += aStrides[d]
                        ib += bStrides[d]
                        if index[d] < shape[d] { break }
                        ia -= aStrides[d] * shape[d]
                        ib -= bStrides[d] * shape[d]
                        index[d] = 0
                        d -= 1
                    }
                }
            }
        }
        var out = [Float](repeating: 0, count: n)
        out.withUnsafeMutableBufferPointer { o in
            a.data.withUnsafeBufferPointer { pa in
                b.data.withUnsafeBufferPointer { pb in
                    indices { i, ia, ib in o[i] = forward(pa[ia], pb[ib]) }
                }
            }
        }
        return Tensor(shape: shape, data: out, parents: [a, b]) { result in
            let g = result.grad!
            var ga = [Float](repeating: 0, count: a.requiresGrad ? a.count : 0)
            var gb = [Float](repeating: 0, count: b.requiresGrad ? b.count : 0)
            ga.withUnsafeMutableBufferPointer { da in
                gb.withUnsafeMutableBufferPointer { db in
                    a.data.withUnsafeBufferPointer { pa in
                        b.data.withUnsafeBufferPointer { pb in
                            result.data.withUnsafeBufferPointer { po in
                                indices { i, ia, ib in
                                    let (la, lb) = backward(pa[ia], pb[ib], po[i])
                                    if !da.isEmpty { da[ia] += g[i] * la }
                                    if !db.isEmpty { db[ib] += g[i] * lb }
                                }
                            }
                        }
                    }
                }
            }
            if a.requiresGrad { a.accumulate(ga) }
            if b.requiresGrad { b.accumulate(gb) }
        }
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor {
        if a.shape == b.shape { return sameShapeAdd(a, b, sign: 1) }
        return binary(a, b, "add", forward: +, backward: { _, _, _ in (1, 1) })
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        if a.shape == b.shape { return sameShapeAdd(a, b, sign: -1) }
        return binary(a, b, "subtract", forward: -, backward: { _, _, _ in (1, -1) })
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        binary(a, b, "multiply", forward: *, backward: { x, y, _ in (y, x) })
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        binary(a, b, "divide", forward: /, backward: { x, y, _ in (1 / y, -x / (y * y)) })
    }

    public static func + (a: Tensor, b: Float) -> Tensor { a.map("add", { $0 + b }, derivative: { _, _ in 1 }) }
    public static func - (a: Tensor, b: Float) -> Tensor { a.map("subtract", { $0 - b }, derivative: { _, _ in 1 }) }
    public static func * (a: Tensor, b: Float) -> Tensor { a.map("scale", { $0 * b }, derivative: { _, _ in b }) }
    public static func / (a: Tensor, b: Float) -> Tensor { a * (1 / b) }
    public static func + (a: Float, b: Tensor) -> Tensor { b + a }
    public static func - (a: Float, b: Tensor) -> Tensor { b.map("rsub", { a - $0 }, derivative: { _, _ in -1 }) }
    public static func * (a: Float, b: Tensor) -> Tensor { b * a }
    public static prefix func - (a: Tensor) -> Tensor { a * -1 }

    /// Element-wise power with a tensor exponent (base must be positive where the exponent is not whole).
    public func pow(_ exponent: Tensor) -> Tensor {
        Tensor.binary(self, exponent, "pow", forward: { Foundation.pow($0, $1) }, backward: { x, y, o in
            (y * Foundation.pow(x, y - 1), x > 0 ? o * Foundation.log(x) : 0)
        })
    }

    /// Element-wise maximum and minimum (the gradient goes to the larger / smaller input; ties to the first).
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
        binary(a, b, "maximum", forward: { Swift.max($0, $1) }, backward: { x, y, _ in x >= y ? (1, 0) : (0, 1) })
    }

    public static func minimum(_ a: Tensor, _ b: Tensor) -> Tensor {
        binary(a, b, "minimum", forward: { Swift.min($0, $1) }, backward: { x, y, _ in x <= y ? (1, 0) : (0, 1) })
    }

    private static func sameShapeAdd(_ a: Tensor, _ b: Tensor, sign: Float) -> Tensor {
        var out = a.data
        out.withUnsafeMutableBufferPointer { o in
            b.data.withUnsafeBufferPointer { pb in
                for i in 0..<o.count { o[i] += sign * pb[i] }
            }
        }
        return Tensor(shape: a.shape, data: out, parents: [a, b]) { result in
            result.grad!.withUnsafeBufferPointer { g in
                if a.requiresGrad { a.accumulate(g) }
                if b.requiresGrad {
                    if sign == 1 { b.accumulate(g) } else { b.accumulate(g.map { -$0 }) }
                }
            }
        }
    }
}

// MARK: unary operations

extension Tensor {
    /// Applies `forward` to each element; `derivative(x, y)` is dy/dx given input x and output y.
    func map(_ name: String, _ forward: (Float) -> Float, derivative: @escaping (Float, Float) -> Float) -> Tensor {
        var out = [Float](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { o in
            data.withUnsafeBufferPointer { x in
                for i in 0..<x.count { o[i] = forward(x[i]) }
            }
        }
        let input = self
        return Tensor(shape: shape, data: out, parents: [self]) { result in
            let g = result.grad!
            input.withGradient { gi in
                input.data.withUnsafeBufferPointer { x in
                    result.data.withUnsafeBufferPointer { y in
                        for i in 0..<x.count { gi[i] += g[i] * derivative(x[i], y[i]) }
                    }
                }
            }
        }
    }

    /// Applies a C kernel element-wise; `backward(g, x, y, gx, n)` adds the input gradient into gx.
    func kernel(
        _ forward: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int64) -> Void,
        backward: @escaping (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int64) -> Void
    ) -> Tensor {
        let n = count
        let out = [Float](unsafeUninitializedCapacity: n) { buffer, initialized in
            data.withUnsafeBufferPointer { x in forward(x.baseAddress!, buffer.baseAddress!, Int64(n)) }
            initialized = n
        }
        let input = self
        return Tensor(shape: shape, data: out, parents: [self]) { result in
            result.grad!.withUnsafeBufferPointer { g in
                input.data.withUnsafeBufferPointer { x in
                    result.data.withUnsafeBufferPointer { y in
                        input.withGradient { gx in backward(g.baseAddress!, x.baseAddress!, y.baseAddress!, gx.baseAddress!, Int64(n)) }
                    }
                }
            }
        }
    }

    public func exp() -> Tensor {
        kernel({ ckernels_exp($0, $1, $2) }, backward: { g, _, y, gx, n in ckernels_multiply_accumulate(g, y, gx, n) })
    }
    public func log() -> Tensor { map("log", { Foundation.log($0) }, derivative: { x, _ in 1 / x }) }
    public func sqrt() -> Tensor { map("sqrt", { $0.squareRoot() }, derivative: { _, y in 0.5 / y }) }
    public func pow(_ exponent: Float) -> Tensor {
        map("pow", { Foundation.pow($0, exponent) }, derivative: { x, _ in exponent * Foundation.pow(x, exponent - 1) })
    }
    public func square() -> Tensor { map("square", { $0 * $0 }, derivative: { x, _ in 2 * x }) }
    public func abs() -> Tensor { map("abs", { Swift.abs($0) }, derivative: { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) }) }
    /// Clamps into [low, high]; the gradient is 1 inside and 0 outside.
    public func clamp(min low: Float = -.infinity, max high: Float = .infinity) -> Tensor {
        map("clamp", { Swift.min(Swift.max($0, low), high) }, derivative: { x, _ in x >= low && x <= high ? 1 : 0 })
    }

    public func relu() -> Tensor { leakyRelu(slope: 0) }
    public func leakyRelu(slope: Float = 0.01) -> Tensor {
        kernel({ ckernels_leaky_relu($0, $1, slope, $2) },
               backward: { g, x, _, gx, n in ckernels_leaky_relu_backward(g, x, gx, slope, n) })
    }
    public func tanh() -> Tensor {
        kernel({ ckernels_tanh($0, $1, $2) }, backward: { g, _, y, gx, n in ckernels_tanh_backward(g, y, gx, n) })
    }
    public func sigmoid() -> Tensor {
        kernel({ ckernels_sigmoid($0, $1, $2) }, backward: { g, _, y, gx, n in ckernels_sigmoid_backward(g, y, gx, n) })
    }
    /// log(1 + eˣ), computed without overflow.
    public func softplus() -> Tensor {
        kernel({ ckernels_softplus($0, $1, $2) }, backward: { g, x, _, gx, n in ckernels_softplus_backward(g, x, gx, n) })
    }
    public func elu(alpha: Float = 1) -> Tensor {
        map("elu", { $0 > 0 ? $0 : alpha * (Foundation.exp($0) - 1) }, derivative: { x, y in x > 0 ? 1 : y + alpha })
    }
}
