import NeuralNets

/// Contrastive Preference Learning's loss (Hejna et al., "Contrastive Preference Learning: Learning
/// from Human Feedback without RL", ICLR 2024; `biased_bce_with_logits` in jhejna/cpl).
///
/// A segment's score is S = Σ_t α·log π(a_t | s_t), the policy's log-likelihood of its actions standing
/// in for the optimal advantage (a regret model of preference). For a pair with label y = P(first ≻
/// second) (1, 0, or 0.5 for equal):
///
///     loss = y·(−log σ(S₁ − λ·S₂)) + (1 − y)·(−log σ(S₂ − λ·S₁)),
///
/// where λ (the contrastive bias, 0.5 in "CPL", 1 in "CPL (BC)") multiplies the dispreferred segment's
/// score: with λ < 1 the loss also rewards raising the preferred segment's likelihood on its own, a
/// conservative pull towards the data. Ties mix both directions. −log σ(z) is softplus(−z). The mean
/// over the batch is returned.
public func cplLoss(firstScores: Tensor, secondScores: Tensor, firstPreferred: Tensor, contrastiveBias lambda: Float) -> Tensor {
    let firstOverSecond = firstScores - secondScores * lambda
    let secondOverFirst = secondScores - firstScores * lambda
    let y = firstPreferred
    return (y * (firstOverSecond * -1).softplus() + (1 - y) * (secondOverFirst * -1).softplus()).mean()
}
