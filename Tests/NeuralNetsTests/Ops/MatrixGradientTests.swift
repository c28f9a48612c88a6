import Testing
import TestSupport
@testable import NeuralNets

@Suite("Matrix products, convolution, normalisation")
struct MatrixGradientTests {
    @Test("matmul and fused linear")
    func products() {
        var g = TestGenerator(seed: 8)
        let a = variable([4, 3], &g), b = variable([3, 5], &g)
        expectGradientsMatch([a, b]) { project(a.matmul(b)) }
        let x = variable([6, 3], &g), w = variable([2, 3], &g), bias = variable([2], &g)
        expectGradientsMatch([x, w, bias]) { project(Tensor.linear(x, weight: w, bias: bias)) }
        expectGradientsMatch([x, w]) { project(Tensor.linear(x, weight: w, bias: nil)) }
        let direct = x.matmul(w.transposed()) + bias
        #expect(zip(Tensor.linear(x, weight: w, bias: bias).data, direct.data).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(Tensor(rows: [[1, 2], [3, 4]]).matmul(Tensor(rows: [[5], [6]])).data == [17, 39])
    }

    /// Convolution by direct loops over NHWC, the reference.
    func directConvolution(_ x: Tensor, _ w: Tensor, _ b: Tensor, _ geometry: ConvolutionGeometry) -> [Float] {
        let (n, h, wd, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let outC = w.shape[0]
        let (oh, ow) = geometry.outputSize(height: h, width: wd)
        var out = [Float](repeating: 0, count: n * oh * ow * outC)
        for i in 0..<n { for oy in 0..<oh { for ox in 0..<ow { for o in 0..<outC {
            var s = b.data[o]
            for ky in 0..<geometry.kernelHeight { for kx in 0..<geometry.kernelWidth { for ci in 0..<c {
                let iy = oy * geometry.stride + ky - geometry.padding, ix = ox * geometry.stride + kx - geometry.padding
                if iy < 0 || iy >= h || ix < 0 || ix >= wd { continue }
                s += x.data[((i * h + iy) * wd + ix) * c + ci] * w.data[((o * geometry.kernelHeight + ky) * geometry.kernelWidth + kx) * c + ci]
            } } }
            out[((i * oh + oy) * ow + ox) * outC + o] = s
        } } } }
        return out
    }

    @Test("conv2d matches direct loops and differentiates", arguments: [(3, 1, 0), (3, 2, 1), (4, 2, 0), (1, 1, 0), (5, 3, 2)])
    func convolution(kernel: Int, stride: Int, padding: Int) {
        var g = TestGenerator(seed: UInt64(kernel * 10 + stride))
        let geometry = ConvolutionGeometry(kernel: kernel, stride: stride, padding: padding)
        let x = variable([2, 7, 6, 3], &g), w = variable([4, kernel, kernel, 3], &g), b = variable([4], &g)
        let y = Tensor.conv2d(x, weight: w, bias: b, geometry: geometry)
        let reference = directConvolution(x, w, b, geometry)
        #expect(y.data.count == reference.count)
        #expect(zip(y.data, reference).allSatisfy { abs($0 - $1) < 1e-4 })
        expectGradientsMatch([x, w, b]) { project(Tensor.conv2d(x, weight: w, bias: b, geometry: geometry)) }
    }

    @Test("direct convolution of narrow inputs matches loops in full blocks of positions and channels", arguments: [1, 3, 4])
    func directConvolutionBlocks(channels: Int) {
        var g = TestGenerator(seed: UInt64(channels))
        // 8×8/4 on 36×40 gives 8×9 positions (one block of 6 and a remainder of 3 per row); 33 output
        // channels are two full blocks of 16 and a partial one.
        let geometry = ConvolutionGeometry(kernel: 8, stride: 4)
        let x = variable([2, 36, 40, channels], &g), w = variable([33, 8, 8, channels], &g), b = variable([33], &g)
        let y = Tensor.conv2d(x, weight: w, bias: b, geometry: geometry, activation: .relu)
        let reference = directConvolution(x, w, b, geometry).map { max($0, 0) }
        #expect(y.shape == [2, 8, 9, 33])
        #expect(zip(y.data, reference).allSatisfy { abs($0 - $1) < 1e-3 })
        expectGradientsMatch([x, w, b], samples: 8) { project(Tensor.conv2d(x, weight: w, bias: b, geometry: geometry)) }
    }

    @Test("layer norm normalises the last dimension and differentiates")
    func layerNorm() {
        var g = TestGenerator(seed: 9)
        let x = variable([3, 6], &g, low: -2, high: 3), gain = variable([6], &g), bias = variable([6], &g)
        let y = Tensor.layerNorm(x, gain: nil, bias: nil)
        for r in 0..<3 {
            let row = Array(y.data[(r * 6)..<(r * 6 + 6)])
            let mean = row.reduce(0, +) / 6
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 6
            #expect(abs(mean) < 1e-5 && abs(variance - 1) < 1e-3)
        }
        expectGradientsMatch([x, gain, bias]) { project(Tensor.layerNorm(x, gain: gain, bias: bias)) }
    }

    @Test("dropout keeps the expectation and differentiates through its mask")
    func dropout() {
        var g = TestGenerator(seed: 10)
        let x = variable([50, 40], &g)
        var maskGenerator = TestGenerator(seed: 3)
        let y = Tensor.ones([50, 40]).dropout(rate: 0.25, training: true, using: &maskGenerator)
        let zeros = y.data.filter { $0 == 0 }.count
        #expect(abs(Float(zeros) / 2000 - 0.25) < 0.05)
        #expect(abs(y.mean().item - 1) < 0.06)
        var eval = TestGenerator(seed: 3)
        #expect(x.dropout(rate: 0.5, training: false, using: &eval) === x)
        expectGradientsMatch([x]) {
            var fixed = TestGenerator(seed: 11)
            return project(x.dropout(rate: 0.3, training: true, using: &fixed))
        }
    }
}
