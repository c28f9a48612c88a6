internal import CKernels

/// Geometry of a 2-D convolution over channels-last (NHWC) images.
public struct ConvolutionGeometry: Equatable, Sendable {
    public var kernelHeight: Int, kernelWidth: Int
    public var stride: Int
    public var padding: Int

    public init(kernel: Int, stride: Int = 1, padding: Int = 0) {
        self.init(kernelHeight: kernel, kernelWidth: kernel, stride: stride, padding: padding)
    }

    public init(kernelHeight: Int, kernelWidth: Int, stride: Int = 1, padding: Int = 0) {
        precondition(kernelHeight > 0 && kernelWidth > 0 && stride > 0 && padding >= 0, "invalid convolution geometry")
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.stride = stride
        self.padding = padding
    }

    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height + 2 * padding - kernelHeight) / stride + 1, (width + 2 * padding - kernelWidth) / stride + 1)
    }
}

extension Tensor {
    /// 2-D convolution of channels-last images x [N, H, W, C] with weight [outC, kh, kw, C] and bias
    /// [outC], giving [N, outH, outW, outC]. It lowers the input to columns (im2col) and does one sgemm
    /// for the whole batch; inputs of at most `directConvolutionMaxChannels` channels without padding
    /// (RGB frames) are convolved directly instead (`ckernels_conv2d_direct`), and their columns are
    /// made only if the weight's gradient needs them.
    /// `activation` is applied in place on the output, as in `linear`.
    public static func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvolutionGeometry,
                              activation: Activation = .identity) -> Tensor {
        if activation == .elu { return conv2d(x, weight: weight, bias: bias, geometry: g).elu() }
        precondition(x.rank == 4, "conv2d needs x [N, H, W, C], got \(x.shape)")
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        precondition(weight.shape == [weight.shape[0], g.kernelHeight, g.kernelWidth, c],
                     "conv2d weight needs [outC, \(g.kernelHeight), \(g.kernelWidth), \(c)], got \(weight.shape)")
        let outC = weight.shape[0]
        let (oh, ow) = g.outputSize(height: h, width: w)
        precondition(oh > 0 && ow > 0, "conv2d: a \(g.kernelHeight)×\(g.kernelWidth) kernel does not fit a \(h)×\(w) image")
        let positions = n * oh * ow
        let patch = g.kernelHeight * g.kernelWidth * c

        let direct = g.padding == 0 && c <= directConvolutionMaxChannels
        let columns: [Float]? = direct ? nil : im2col(x.data, n: n, h: h, w: w, c: c, geometry: g, oh: oh, ow: ow)
        var out = [Float](unsafeUninitializedCapacity: positions * outC) { _, initialized in initialized = positions * outC }
        out.withUnsafeMutableBufferPointer { o in
            if let columns {
                columns.withUnsafeBufferPointer { cols in
                    weight.data.withUnsafeBufferPointer { wt in
                        BLAS.gemm(transposeA: false, transposeB: true, m: positions, n: outC, k: patch,
                                  a: cols.baseAddress!, b: wt.baseAddress!, beta: 0, c: o.baseAddress!)
                    }
                }
                activation.applyInPlace(o, bias: bias, columns: outC)
            } else {
                convolveDirectly(x.data, n: n, h: h, w: w, c: c, weight: weight.data, bias: bias?.data, outC: outC,
                                 geometry: g, oh: oh, ow: ow, into: o.baseAddress!)
                activation.applyInPlace(o, bias: nil, columns: outC)
            }
        }
        let parents = bias.map { [x, weight, $0] } ?? [x, weight]
        return Tensor(shape: [n, oh, ow, outC], data: out, parents: parents) { result in
            let preActivation = activation.gradientBeforeActivation(of: result)
            preActivation.withUnsafeBufferPointer { dy in
                if weight.requiresGrad {  // dW = dYᵀ · columns
                    let columns = columns ?? im2col(x.data, n: n, h: h, w: w, c: c, geometry: g, oh: oh, ow: ow)
                    columns.withUnsafeBufferPointer { cols in
                        weight.withGradient { gw in
                            BLAS.gemm(transposeA: true, transposeB: false, m: outC, n: patch, k: positions,
                                      a: dy.baseAddress!, b: cols.baseAddress!, beta: 1, c: gw.baseAddress!)
                        }
                    }
                }
                if let bias, bias.requiresGrad {
                    bias.withGradient { gb in addColumnSums(of: dy.baseAddress!, rows: positions, into: gb.baseAddress!, columns: outC) }
                }
                if x.requiresGrad {  // dColumns = dY · W, then scatter back (col2im)
                    var dColumns = [Float](repeating: 0, count: positions * patch)
                    dColumns.withUnsafeMutableBufferPointer { dc in
                        weight.data.withUnsafeBufferPointer { wt in
                            BLAS.gemm(transposeA: false, transposeB: false, m: positions, n: patch, k: outC,
                                      a: dy.baseAddress!, b: wt.baseAddress!, beta: 0, c: dc.baseAddress!)
                        }
                    }
                    x.withGradient { gx in
                        col2im(dColumns, into: gx, n: n, h: h, w: w, c: c, geometry: g, oh: oh, ow: ow)
                    }
                }
            }
        }
    }
}

/// Inputs with at most this many channels (and no padding) are convolved directly rather than by
/// im2col + sgemm: for RGB frames the sgemm is long and thin (k = kh·kw·3) and its packing dominates.
let directConvolutionMaxChannels = 4

/// y [N, outH, outW, outC] = bias + the convolution of x (no padding), by the direct kernel.
func convolveDirectly(_ x: [Float], n: Int, h: Int, w: Int, c: Int, weight: [Float], bias: [Float]?, outC: Int,
                      geometry g: ConvolutionGeometry, oh: Int, ow: Int, into y: UnsafeMutablePointer<Float>) {
    let patch = g.kernelHeight * g.kernelWidth * c
    let blocks = (outC + 15) / 16
    var packed = [Float](repeating: 0, count: blocks * 16 * patch)
    weight.withUnsafeBufferPointer { wt in
        packed.withUnsafeMutableBufferPointer { p in ckernels_conv2d_pack_weight(wt.baseAddress!, Int64(outC), Int64(patch), p.baseAddress!) }
    }
    x.withUnsafeBufferPointer { xs in
        packed.withUnsafeBufferPointer { p in
            func call(_ b: UnsafePointer<Float>?) {
                ckernels_conv2d_direct(xs.baseAddress!, Int64(n), Int64(h), Int64(w), Int64(c), p.baseAddress!, b, Int64(outC),
                                       Int64(g.kernelHeight), Int64(g.kernelWidth), Int64(g.stride), Int64(oh), Int64(ow), y)
            }
            if let bias { bias.withUnsafeBufferPointer { call($0.baseAddress!) } } else { call(nil) }
        }
    }
}

/// Lowers NHWC images to a [N·outH·outW, kh·kw·C] matrix: one row per output position. In NHWC a
/// kernel row of kw pixels is kw·C contiguous floats, copied at once when it lies inside the image.
func im2col(_ input: [Float], n: Int, h: Int, w: Int, c: Int, geometry g: ConvolutionGeometry, oh: Int, ow: Int) -> [Float] {
    let patch = g.kernelHeight * g.kernelWidth * c
    let run = g.kernelWidth * c
    return [Float](unsafeUninitializedCapacity: n * oh * ow * patch) { out, initialized in
        input.withUnsafeBufferPointer { x in
            let source = x.baseAddress!, target = out.baseAddress!
            var row = 0
            for b in 0..<n {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var o = row * patch
                        let x0 = ox * g.stride - g.padding
                        for ky in 0..<g.kernelHeight {
                            let iy = oy * g.stride + ky - g.padding
                            if iy < 0 || iy >= h {
                                (target + o).update(repeating: 0, count: run)
                            } else if x0 >= 0 && x0 + g.kernelWidth <= w {
                                (target + o).update(from: source + ((b * h + iy) * w + x0) * c, count: run)
                            } else {
                                for kx in 0..<g.kernelWidth {
                                    let ix = x0 + kx
                                    if ix < 0 || ix >= w {
                                        (target + o + kx * c).update(repeating: 0, count: c)
                                    } else {
                                        (target + o + kx * c).update(from: source + ((b * h + iy) * w + ix) * c, count: c)
                                    }
                                }
                            }
                            o += run
                        }
                        row += 1
                    }
                }
            }
        }
        initialized = n * oh * ow * patch
    }
}

/// Adds a [N·outH·outW, kh·kw·C] column gradient back into NHWC image gradients.
func col2im(_ columns: [Float], into x: UnsafeMutableBufferPointer<Float>, n: Int, h: Int, w: Int, c: Int,
            geometry g: ConvolutionGeometry, oh: Int, ow: Int) {
    let patch = g.kernelHeight * g.kernelWidth * c
    columns.withUnsafeBufferPointer { cols in
        var row = 0
        for b in 0..<n {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var o = row * patch
                    for ky in 0..<g.kernelHeight {
                        let iy = oy * g.stride + ky - g.padding
                        for kx in 0..<g.kernelWidth {
                            let ix = ox * g.stride + kx - g.padding
                            if iy >= 0 && iy < h && ix >= 0 && ix < w {
                                let base = ((b * h + iy) * w + ix) * c
                                for k in 0..<c { x[base + k] += cols[o + k] }
                            }
                            o += c
                        }
                    }
                    row += 1
                }
            }
        }
    }
}
