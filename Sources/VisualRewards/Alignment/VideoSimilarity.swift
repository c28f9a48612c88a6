import NeuralNets

/// RAPL's video similarity and triplet loss.
///
/// r(a, b) = −Σ_tt' P*_tt' C_tt' with C_tt' = 1 − cos(φ(a_t), φ(b_t')) and P* the entropic Sinkhorn
/// plan with uniform marginals (γ = 1, ≤ 1,000 iterations, tolerance 1e-6; see `Sinkhorn`). Its
/// gradient reaches the embeddings through C directly and through P* by implicit differentiation.
public enum VideoSimilarity {
    /// r(a, b) for embeddings a [n, d] and b [m, d]: a scalar tensor.
    public static func similarity(_ a: Tensor, _ b: Tensor, sinkhorn: Sinkhorn = Sinkhorn()) -> Tensor {
        let cost = Tensor.cosineDistances(a, b)
        return -(cost.sinkhornPlan(sinkhorn) * cost).sum()
    }

    /// The per-frame transport cost Σ_j P*_tj C_tj of video a [n, d] against b [m, d] (no gradient):
    /// n values; RAPL's per-frame reward is its negation.
    public static func frameCosts(_ a: Tensor, _ b: Tensor, sinkhorn: Sinkhorn = Sinkhorn()) -> [Double] {
        let cost = Tensor.cosineDistances(a.detached(), b.detached())
        let (n, m) = (cost.shape[0], cost.shape[1])
        let c = cost.data.map(Double.init)
        let plan = sinkhorn.plan(cost: c, rows: n, columns: m).plan
        return (0..<n).map { i in (0..<m).reduce(0.0) { $0 + plan[i * m + $1] * c[i * m + $1] } }
    }

    /// The Bradley–Terry triplet loss with o⁺ as anchor: p = e^{r(o⁺,o)} / (e^{r(o⁺,o)} + e^{r(o⁺,o⁻)}),
    /// loss −log p; for an equal triplet the target is 0.5, −½(log p + log(1 − p)).
    public static func tripletLoss(positive: Tensor, neutral: Tensor, negative: Tensor, equal: Bool,
                                   sinkhorn: Sinkhorn = Sinkhorn()) -> Tensor {
        let near = similarity(positive, neutral, sinkhorn: sinkhorn)
        let far = similarity(positive, negative, sinkhorn: sinkhorn)
        return preferenceLoss(preferred: near, other: far, equal: equal)
    }

    /// −log σ(x − y) (or the 0.5-target cross-entropy for `equal`) for two scalar scores.
    public static func preferenceLoss(preferred x: Tensor, other y: Tensor, equal: Bool) -> Tensor {
        let logits = Tensor.concatenate([x.reshaped([1]), y.reshaped([1])], axis: 0).logSoftmax(axis: 0)
        let target = Tensor(equal ? [0.5, 0.5] : [1, 0])
        return -(logits * target).sum()
    }
}
