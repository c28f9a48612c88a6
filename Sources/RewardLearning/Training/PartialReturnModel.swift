import NeuralNets
import SandboxCore

/// The Bradley–Terry preference loss on partial returns (Christiano et al. 2017): for segment returns
/// R₁, R₂ under the model, P(first ≻ second) = σ(R₁ − R₂), and the loss is the cross-entropy with the
/// label probability y (1, 0, or 0.5 for equal): softplus(z) − y·z with z = R₁ − R₂.
public func bradleyTerryLoss(firstReturns: Tensor, secondReturns: Tensor, firstPreferred: Tensor) -> Tensor {
    let z = firstReturns - secondReturns
    return (z.softplus() - firstPreferred * z).mean()
}

/// Bradley–Terry on partial returns: P(first ≻ second) = σ(R₁ − R₂) for the segments' sums of learned
/// reward R₁, R₂ (Christiano et al. 2017; PEBBLE and PrefPPO in B-Pref).
public struct PartialReturnModel: PreferenceModel {
    public init() {}
    public var name: String { "partial-return" }

    public func loss(member: Int, of network: RewardEnsemble, on batch: [PreferencePair]) -> Tensor {
        let (first, second) = network.segmentReturns(member: member, batch)
        return bradleyTerryLoss(firstReturns: first, secondReturns: second, firstPreferred: Tensor(batch.map(\.firstPreferred)))
    }
}
