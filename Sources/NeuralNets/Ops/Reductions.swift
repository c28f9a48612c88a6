import Foundation

extension Tensor {
    /// Sum of all elements (a scalar).
    public func sum() -> Tensor {
        var total: Float = 0
        data.withUnsafeBufferPointer { for v in $0 { total += v } }
        let input = self
        return Tensor(shape: [], data: [total], parents: [self]) { result in
            let g = result.grad![0]
            input.withGradient { gi in for i in 0..<gi.count { gi[i] += g } }
        }
    }

    /// Mean of all elements (a scalar).
    public func mean() -> Tensor { sum() * (1 / Float(Swift.max(count, 1))) }

    /// Sums over `axis`; with `keepingDimension` the axis stays with size 1.
    public func sum(axis: Int, keepingDimension: Bool = false) -> Tensor {
        let axis = ShapeMath.axis(axis, rank: rank, "sum")
        let (outer, size, inner) = ShapeMath.split(shape, axis: axis)
        var out = [Float](repeating: 0, count: outer * inner)
        out.withUnsafeMutableBufferPointer { o in
            data.withUnsafeBufferPointer { x in
                for a in 0..<outer {
                    for k in 0..<size {
                        let base = (a * size + k) * inner
                        for b in 0..<inner { o[a * inner + b] += x[base + b] }
                    }
                }
            }
        }
        let newShape = ShapeMath.reduced(shape, axis: axis, keepingDimension: keepingDimension)
        let input = self
        return Tensor(shape: newShape, data: out, parents: [self]) { result in
            let g = result.grad!
            input.withGradient { gi in
                for a in 0..<outer {
                    for k in 0..<size {
                        let base = (a * size + k) * inner
                        for b in 0..<inner { gi[base + b] += g[a * inner + b] }
                    }
                }
            }
        }
    }

    public func mean(axis: Int, keepingDimension: Bool = false) -> Tensor {
        let a = ShapeMath.axis(axis, rank: rank, "mean")
        return sum(axis: a, keepingDimension: keepingDimension) * (1 / Float(shape[a]))
    }

    /// Maximum over `axis`; the gradient goes to the first maximal element.
    public func max(axis: Int, keepingDimension: Bool = false) -> Tensor {
        let axis = ShapeMath.axis(axis, rank: rank, "max")
        let (outer, size, inner) = ShapeMath.split(shape, axis: axis)
        precondition(size > 0, "max over an empty axis")
        var out = [Float](repeating: -.infinity, count: outer * inner)
        var arg = [Int](repeating: 0, count: outer * inner)
        data.withUnsafeBufferPointer { x in
            for a in 0..<outer {
                for b in 0..<inner {
                    var best = -Float.infinity, bestK = 0
                    for k in 0..<size where x[(a * size + k) * inner + b] > best || k == 0 {
                        best = x[(a * size + k) * inner + b]
                        bestK = k
                    }
                    out[a * inner + b] = best
                    arg[a * inner + b] = bestK
                }
            }
        }
        let newShape = ShapeMath.reduced(shape, axis: axis, keepingDimension: keepingDimension)
        let input = self
        return Tensor(shape: newShape, data: out, parents: [self]) { result in
            let g = result.grad!
            input.withGradient { gi in
                for a in 0..<outer {
                    for b in 0..<inner { gi[(a * size + arg[a * inner + b]) * inner + b] += g[a * inner + b] }
                }
            }
        }
    }

    /// Maximum of all elements (a scalar).
    public func max() -> Tensor { reshaped([count]).max(axis: 0) }

    /// log Σ exp over `axis`, computed stably.
    public func logSumExp(axis: Int = -1, keepingDimension: Bool = false) -> Tensor {
        let axis = ShapeMath.axis(axis, rank: rank, "logSumExp")
        let (outer, size, inner) = ShapeMath.split(shape, axis: axis)
        var out = [Float](repeating: 0, count: outer * inner)
        data.withUnsafeBufferPointer { x in
            for a in 0..<outer {
                for b in 0..<inner {
                    var m = -Float.infinity
                    for k in 0..<size { m = Swift.max(m, x[(a * size + k) * inner + b]) }
                    var s: Float = 0
                    for k in 0..<size { s += Foundation.exp(x[(a * size + k) * inner + b] - m) }
                    out[a * inner + b] = m + Foundation.log(s)
                }
            }
        }
        let newShape = ShapeMath.reduced(shape, axis: axis, keepingDimension: keepingDimension)
        let input = self
        return Tensor(shape: newShape, data: out, parents: [self]) { result in
            let g = result.grad!
            input.withGradient { gi in
                input.data.withUnsafeBufferPointer { x in
                    for a in 0..<outer {
                        for b in 0..<inner {
                            let lse = result.data[a * inner + b], up = g[a * inner + b]
                            for k in 0..<size {
                                let i = (a * size + k) * inner + b
                                gi[i] += up * Foundation.exp(x[i] - lse)
                            }
                        }
                    }
                }
            }
        }
    }

    /// log softmax over `axis`.
    public func logSoftmax(axis: Int = -1) -> Tensor {
        self - logSumExp(axis: axis, keepingDimension: true)
    }

    /// softmax over `axis`.
    public func softmax(axis: Int = -1) -> Tensor { logSoftmax(axis: axis).exp() }
}
