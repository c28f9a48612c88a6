/// Shape arithmetic shared by the operations.
enum ShapeMath {
    static func count(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    /// NumPy broadcasting of two shapes, or nil when they do not broadcast.
    static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 { result[i] = da } else if da == 1 { result[i] = db } else { return nil }
        }
        return result
    }

    /// Row-major strides of `shape` as seen from `target` (0 where broadcast).
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let offset = target.count - shape.count
        var strides = [Int](repeating: 0, count: target.count)
        var step = 1
        for i in Swift.stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i + offset] = shape[i] == 1 ? 0 : step
            step *= shape[i]
        }
        return strides
    }

    /// Normalises a possibly negative axis.
    static func axis(_ axis: Int, rank: Int, _ function: String) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < max(rank, 1), "\(function): axis \(axis) is out of range for rank \(rank)")
        return a
    }

    /// The shape after reducing over `axis`: size 1 there, or the axis removed.
    static func reduced(_ shape: [Int], axis: Int, keepingDimension: Bool) -> [Int] {
        var result = shape
        if keepingDimension { result[axis] = 1 } else { result.remove(at: axis) }
        return result
    }

    /// (outer, size, inner) around `axis`.
    static func split(_ shape: [Int], axis: Int) -> (outer: Int, size: Int, inner: Int) {
        (count(Array(shape[..<axis])), shape[axis], count(Array(shape[(axis + 1)...])))
    }
}

/// Sums a gradient of shape `from` down to `to` (the inverse of broadcasting).
func reduceGradient(_ g: UnsafeBufferPointer<Float>, from: [Int], to: [Int]) -> [Float] {
    if from == to { return Array(g) }
    var result = [Float](repeating: 0, count: ShapeMath.count(to))
    let strides = ShapeMath.broadcastStrides(to, to: from)
    let rank = from.count
    // Fast path: `to` is a suffix of `from` (bias-like broadcast over leading rows).
    let suffix = Array(from.suffix(to.count))
    if suffix == to {
        let inner = result.count
        let rows = g.count / max(inner, 1)
        result.withUnsafeMutableBufferPointer { r in
            for row in 0..<rows {
                let base = row * inner
                for i in 0..<inner { r[i] += g[base + i] }
            }
        }
        return result
    }
    var index = [Int](repeating: 0, count: rank)
    result.withUnsafeMutableBufferPointer { r in
        for i in 0..<g.count {
            var target = 0
            for d in 0..<rank { target += index[d] * strides[d] }
            r[target] += g[i]
            var d = rank - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < from[d] { break }
                index[d] = 0
                d -= 1
            }
        }
    }
    return result
}
