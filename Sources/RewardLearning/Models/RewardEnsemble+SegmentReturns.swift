import NeuralNets
import SandboxCore

extension RewardEnsemble {
    /// One member's segment returns for a batch of pairs: ([B], [B]). A segment's return is the sum
    /// of the member's rewards over its real steps plus, for each absorbing step, its reward at the
    /// final observation (see `RewardEnsemble.rows`).
    public func segmentReturns(member index: Int, _ batch: [PreferencePair]) -> (first: Tensor, second: Tensor) {
        let length = batch[0].first.length
        for pair in batch {
            precondition(pair.first.length == length && pair.second.length == length, "segments in a batch must have one length")
        }
        let segments = batch.flatMap { [$0.first, $0.second] }
        let perSegment: Tensor  // [B, 2]
        if segments.allSatisfy({ $0.realSteps == length && rows($0).weights.count == length }) {
            let x = inputs(observations: segments.flatMap(\.observations), actions: segments.flatMap(\.actions))
            perSegment = memberReward(index, x).reshaped([batch.count, 2, length]).sum(axis: 2)
        } else {
            // Segments have different numbers of rows: weight each one's rows with a matrix [2B, N].
            let segmentRows = segments.map { rows($0) }
            let n = segmentRows.reduce(0) { $0 + $1.weights.count }
            var weights = [Float](repeating: 0, count: segments.count * n)
            var column = 0
            for (s, row) in segmentRows.enumerated() {
                for w in row.weights { weights[s * n + column] = w; column += 1 }
            }
            let x = inputs(observations: segmentRows.flatMap(\.observations), actions: segmentRows.flatMap(\.actions), ended: segmentRows.flatMap(\.ended))
            perSegment = Tensor(shape: [segments.count, n], data: weights).matmul(memberReward(index, x)).reshaped([batch.count, 2])
        }
        let first = perSegment.matmul(Tensor(shape: [2, 1], data: [1, 0])).reshaped([batch.count])
        let second = perSegment.matmul(Tensor(shape: [2, 1], data: [0, 1])).reshaped([batch.count])
        return (first, second)
    }
}
