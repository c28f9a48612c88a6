import NeuralNets
import Testing
import TestSupport
@testable import VisualRewards

@Suite("RAPL video similarity and triplet loss")
struct VideoSimilarityTests {
    @Test("identical videos score best: above the same video with noise, above another video")
    func identicalIsBest() {
        var g = TestGenerator(seed: 11)
        for _ in 0..<5 {
            let a = Tensor.uniform([12, 8], low: -1, high: 1, using: &g)
            let noisy = a + Tensor.uniform([12, 8], low: -0.3, high: 0.3, using: &g)
            let other = Tensor.uniform([12, 8], low: -1, high: 1, using: &g)
            let same = VideoSimilarity.similarity(a, a).item
            #expect(same > VideoSimilarity.similarity(a, noisy).item)
            #expect(VideoSimilarity.similarity(a, noisy).item > VideoSimilarity.similarity(a, other).item)
        }
    }

    @Test("frames shuffled in from another video score lower; a permutation of the video's own frames scores the same")
    func shuffledFrames() {
        var g = TestGenerator(seed: 12)
        let a = Tensor.uniform([10, 8], low: -1, high: 1, using: &g)
        let b = Tensor.uniform([10, 8], low: -1, high: 1, using: &g)
        let same = VideoSimilarity.similarity(a, a).item
        // Half of a's frames replaced by b's, in shuffled order.
        var mixedRows: [Int] = []
        var shuffledB = Array(0..<10).shuffled(using: &g)
        for i in 0..<10 { mixedRows.append(i % 2 == 0 ? i : 10 + shuffledB.removeLast()) }
        let mixed = Tensor.concatenate([a, b], axis: 0).rows(mixedRows)
        #expect(VideoSimilarity.similarity(a, mixed).item < same)
        // Optimal transport has no notion of time: reordering a's own frames only permutes the plan.
        let permuted = a.rows(Array(0..<10).shuffled(using: &g))
        #expect(abs(VideoSimilarity.similarity(a, permuted).item - same) < 1e-5)
    }

    @Test("r(a, b) and the triplet loss differentiate (through C and through P* implicitly)")
    func gradients() {
        var g = TestGenerator(seed: 13)
        let a = variable([5, 4], &g), b = variable([6, 4], &g), c = variable([4, 4], &g)
        expectGradientsMatch([a, b]) { VideoSimilarity.similarity(a, b) * 10 }
        for equal in [false, true] {
            expectGradientsMatch([a, b, c]) { VideoSimilarity.tripletLoss(positive: a, neutral: b, negative: c, equal: equal) * 10 }
        }
    }

    @Test("the per-frame transport costs sum to the video distance")
    func frameCosts() {
        var g = TestGenerator(seed: 14)
        let a = Tensor.uniform([7, 4], low: -1, high: 1, using: &g), b = Tensor.uniform([5, 4], low: -1, high: 1, using: &g)
        let costs = VideoSimilarity.frameCosts(a, b)
        #expect(costs.count == 7)
        #expect(abs(costs.reduce(0, +) + Double(VideoSimilarity.similarity(a, b).item)) < 1e-5)
    }
}
