import Foundation
import Agents
import NeuralNets
import SandboxCore

/// PEBBLE's unsupervised pre-training reward (Lee et al. 2021): k-NN state entropy.
extension PreferenceLoop {
    /// The distance from each row of `queries` [N, dimension] to its k-th nearest row of `references`
    /// [M, dimension] (k ≤ M): the distances come from one sgemm (`BLAS.squaredDistances`), then each
    /// row keeps its k smallest.
    static func kthNeighbourDistances(_ queries: [Float], among references: [Float], dimension: Int, k: Int) -> [Float] {
        let n = queries.count / dimension, m = references.count / dimension
        precondition(k >= 1 && k <= m, "k = \(k) neighbours needs at least k reference rows; got \(m)")
        let squared = BLAS.squaredDistances(queries, references, dimension: dimension)
        return (0..<n).map { i in
            var nearest = [Float](repeating: .infinity, count: k)
            for j in 0..<m {
                let distance = squared[i * m + j]
                if distance < nearest[k - 1] {
                    var p = k - 1
                    while p > 0 && nearest[p - 1] > distance { nearest[p] = nearest[p - 1]; p -= 1 }
                    nearest[p] = distance
                }
            }
            return nearest[k - 1].squareRoot()
        }
    }

    /// PEBBLE's intrinsic reward: log(1 + distance to the k-th nearest neighbour among recent states),
    /// divided by its running standard deviation.
    func stateEntropyReward(_ nextObservations: [Float]) -> [Float] {
        guard let offPolicy = trainer as? any OffPolicyTrainer else { return [] }
        let d = offPolicy.task.observationSpace.count
        let reference = offPolicy.storedObservations(limit: 10_000)
        let n = nextObservations.count / d, m = reference.count / d
        // Too few stored states for a neighbour distance: no intrinsic reward yet (and no update of
        // the running scale, which an infinite distance would poison).
        guard m >= 2 else { return [Float](repeating: 0, count: n) }
        let k = Swift.min(configuration.entropyNeighbours, m - 1)
        let rewards = Self.kthNeighbourDistances(nextObservations, among: reference, dimension: d, k: k).map { log(1 + $0) }
        entropyScale.update(rewards.map { [$0] })
        let scale = Float((entropyScale.variance[0] + 1e-8).squareRoot())
        return rewards.map { $0 / scale }
    }
}
