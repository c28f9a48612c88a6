import NeuralNets
import SandboxCore

/// A model of how a person chooses between two segments, given a reward: the loss that fitting a reward
/// to labelled pairs minimises. `RewardFitter` trains any of them.
///
/// - `PartialReturnModel`: Bradley–Terry on the segments' sums of reward (Christiano et al. 2017).
///
/// A new model is one file: a type with a name and a loss over one ensemble member's rewards (see
/// `RewardEnsemble.segmentReturns(member:_:)` for the members' segment returns).
public protocol PreferenceModel: Sendable {
    /// Short name for logs and files (`partial-return`).
    var name: String { get }
    /// The mean loss of ensemble member `member` of `network` on `batch` (pairs of one segment length),
    /// a scalar that the fitter differentiates.
    func loss(member: Int, of network: RewardEnsemble, on batch: [PreferencePair]) -> Tensor
}
