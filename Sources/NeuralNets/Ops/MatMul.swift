extension Tensor {
    /// Matrix product of [M, K] and [K, N] → [M, N], through `cblas_sgemm`.
    public func matmul(_ other: Tensor) -> Tensor {
        precondition(rank == 2 && other.rank == 2 && shape[1] == other.shape[0],
                     "matmul needs [M, K] and [K, N]; got \(shape) and \(other.shape)")
        let (m, k, n) = (shape[0], shape[1], other.shape[1])
        let out = [Float](unsafeUninitializedCapacity: m * n) { buffer, initialized in
            data.withUnsafeBufferPointer { a in
                other.data.withUnsafeBufferPointer { b in
                    BLAS.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k,
                              a: a.baseAddress!, b: b.baseAddress!, beta: 0, c: buffer.baseAddress!)
                }
            }
            initialized = m * n
        }
        let a = self, b = other
        return Tensor(shape: [m, n], data: out, parents: [self, other]) { result in
            result.grad!.withUnsafeBufferPointer { g in
                if a.requiresGrad {  // dA = dC · Bᵀ
                    b.data.withUnsafeBufferPointer { pb in
                        a.withGradient { ga in
                            BLAS.gemm(transposeA: false, transposeB: true, m: m, n: k, k: n,
                                      a: g.baseAddress!, b: pb.baseAddress!, beta: 1, c: ga.baseAddress!)
                        }
                    }
                }
                if b.requiresGrad {  // dB = Aᵀ · dC
                    a.data.withUnsafeBufferPointer { pa in
                        b.withGradient { gb in
                            BLAS.gemm(transposeA: true, transposeB: false, m: k, n: n, k: m,
                                      a: pa.baseAddress!, b: g.baseAddress!, beta: 1, c: gb.baseAddress!)
                        }
                    }
                }
            }
        }
    }

    /// x · Wᵀ + b for x [N, in], W [out, in] (PyTorch's layout), b [out]: one sgemm, bias fused, then
    /// `activation` applied in place on the output (no extra tensor); its derivative comes from the output.
    public static func linear(_ x: Tensor, weight: Tensor, bias: Tensor?, activation: Activation = .identity) -> Tensor {
        if activation == .elu { return linear(x, weight: weight, bias: bias).elu() }
        precondition(x.rank == 2 && weight.rank == 2 && x.shape[1] == weight.shape[1],
                     "linear needs x [N, in] and weight [out, in]; got \(x.shape) and \(weight.shape)")
        let (n, input, output) = (x.shape[0], x.shape[1], weight.shape[0])
        if let bias { precondition(bias.shape == [output], "linear bias needs shape [\(output)], got \(bias.shape)") }
        var out = [Float](unsafeUninitializedCapacity: n * output) { _, initialized in initialized = n * output }
        out.withUnsafeMutableBufferPointer { c in
            x.data.withUnsafeBufferPointer { a in
                weight.data.withUnsafeBufferPointer { w in
                    BLAS.gemm(transposeA: false, transposeB: true, m: n, n: output, k: input,
                              a: a.baseAddress!, b: w.baseAddress!, beta: 0, c: c.baseAddress!)
                }
            }
            activation.applyInPlace(c, bias: bias, columns: output)
        }
        let parents = bias.map { [x, weight, $0] } ?? [x, weight]
        return Tensor(shape: [n, output], data: out, parents: parents) { result in
            let preActivation = activation.gradientBeforeActivation(of: result)
            preActivation.withUnsafeBufferPointer { g in
                if x.requiresGrad {  // dX = dY · W
                    weight.data.withUnsafeBufferPointer { w in
                        x.accumulateProduct { gx, beta in
                            BLAS.gemm(transposeA: false, transposeB: false, m: n, n: input, k: output,
                                      a: g.baseAddress!, b: w.baseAddress!, beta: beta, c: gx)
                        }
                    }
                }
                if weight.requiresGrad {  // dW = dYᵀ · X
                    x.data.withUnsafeBufferPointer { a in
                        weight.accumulateProduct { gw, beta in
                            BLAS.gemm(transposeA: true, transposeB: false, m: output, n: input, k: n,
                                      a: g.baseAddress!, b: a.baseAddress!, beta: beta, c: gw)
                        }
                    }
                }
                if let bias, bias.requiresGrad {  // db = column sums of dY
                    bias.withGradient { gb in addColumnSums(of: g.baseAddress!, rows: n, into: gb.baseAddress!, columns: output) }
                }
            }
        }
    }
}

/// Adds the column sums of a rows × columns matrix into `sums` (bias gradients).
func addColumnSums(of matrix: UnsafePointer<Float>, rows: Int, into sums: UnsafeMutablePointer<Float>, columns: Int) {
    for i in 0..<rows {
        let row = matrix + i * columns
        for j in 0..<columns { sums[j] += row[j] }
    }
}
