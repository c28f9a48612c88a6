extension Tensor {
    /// The same values with another shape of the same size; one dimension may be -1 (inferred).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var target = newShape
        if let unknown = target.firstIndex(of: -1) {
            let known = target.enumerated().filter { $0.offset != unknown }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            target[unknown] = count / known
        }
        precondition(ShapeMath.count(target) == count, "cannot reshape \(shape) (\(count) values) to \(newShape)")
        let input = self
        return Tensor(shape: target, data: data, parents: [self]) { result in
            result.grad!.withUnsafeBufferPointer { input.accumulate($0) }
        }
    }

    /// Flattens every dimension after the first: [N, ...] → [N, rest].
    public func flattenedBatch() -> Tensor { reshaped([shape[0], -1]) }

    /// The transpose of a 2-D tensor.
    public func transposed() -> Tensor {
        precondition(rank == 2, "transposed() needs a 2-D tensor, shape is \(shape)")
        let (rows, columns) = (shape[0], shape[1])
        var out = [Float](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { o in
            data.withUnsafeBufferPointer { x in
                for r in 0..<rows { for c in 0..<columns { o[c * rows + r] = x[r * columns + c] } }
            }
        }
        let input = self
        return Tensor(shape: [columns, rows], data: out, parents: [self]) { result in
            let g = result.grad!
            input.withGradient { gi in
                for r in 0..<rows { for c in 0..<columns { gi[r * columns + c] += g[c * rows + r] } }
            }
        }
    }

    /// Joins tensors along `axis`; other dimensions must agree.
    public static func concatenate(_ tensors: [Tensor], axis: Int) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate needs at least one tensor")
        let first = tensors[0]
        let axis = ShapeMath.axis(axis, rank: first.rank, "concatenate")
        for t in tensors {
            var a = t.shape, b = first.shape
            precondition(a.count == b.count, "concatenate: ranks differ (\(t.shape) vs \(first.shape))")
            a[axis] = 0
            b[axis] = 0
            precondition(a == b, "concatenate: shapes \(t.shape) and \(first.shape) differ outside axis \(axis)")
        }
        let outer = ShapeMath.count(Array(first.shape[..<axis]))
        let inner = ShapeMath.count(Array(first.shape[(axis + 1)...]))
        let sizes = tensors.map { $0.shape[axis] }
        let total = sizes.reduce(0, +)
        var out = [Float](repeating: 0, count: outer * total * inner)
        var offset = 0
        for (t, size) in zip(tensors, sizes) {
            for a in 0..<outer {
                let source = a * size * inner, target = (a * total + offset) * inner
                for i in 0..<(size * inner) { out[target + i] = t.data[source + i] }
            }
            offset += size
        }
        var shape = first.shape
        shape[axis] = total
        return Tensor(shape: shape, data: out, parents: tensors) { result in
            let g = result.grad!
            var offset = 0
            for (t, size) in zip(tensors, sizes) {
                if t.requiresGrad {
                    t.withGradient { gt in
                        for a in 0..<outer {
                            let target = a * size * inner, source = (a * total + offset) * inner
                            for i in 0..<(size * inner) { gt[target + i] += g[source + i] }
                        }
                    }
                }
                offset += size
            }
        }
    }

    /// Rows (entries along the first axis) at `indices`, in that order; repeats are allowed.
    public func rows(_ indices: [Int]) -> Tensor {
        precondition(rank >= 1, "rows(_:) needs at least one dimension")
        let rowSize = count / Swift.max(shape[0], 1)
        var out = [Float](repeating: 0, count: indices.count * rowSize)
        for (r, index) in indices.enumerated() {
            precondition(index >= 0 && index < shape[0], "row index \(index) is out of range 0..<\(shape[0])")
            for i in 0..<rowSize { out[r * rowSize + i] = data[index * rowSize + i] }
        }
        var newShape = shape
        newShape[0] = indices.count
        let input = self
        return Tensor(shape: newShape, data: out, parents: [self]) { result in
            let g = result.grad!
            input.withGradient { gi in
                for (r, index) in indices.enumerated() {
                    for i in 0..<rowSize { gi[index * rowSize + i] += g[r * rowSize + i] }
                }
            }
        }
    }

    /// Rows `range` along the first axis.
    public func rows(_ range: Range<Int>) -> Tensor { rows(Array(range)) }

    /// For a [N, K] tensor, the entry `indices[n]` of each row n: shape [N] (e.g. log-probabilities of chosen classes).
    public func gather(_ indices: [Int]) -> Tensor {
        precondition(rank == 2 && indices.count == shape[0], "gather needs a [N, K] tensor and N indices")
        let k = shape[1]
        var out = [Float](repeating: 0, count: indices.count)
        for (n, index) in indices.enumerated() {
            precondition(index >= 0 && index < k, "gather index \(index) is out of range 0..<\(k)")
            out[n] = data[n * k + index]
        }
        let input = self
        return Tensor(shape: [indices.count], data: out, parents: [self]) { result in
            let g = result.grad!
            input.withGradient { gi in
                for (n, index) in indices.enumerated() { gi[n * k + index] += g[n] }
            }
        }
    }
}
