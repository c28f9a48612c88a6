import Foundation
import NeuralNets
import Rendering

/// A picture of how each method's per-frame reward follows the privileged ground truth along one
/// rollout: every series rescaled to [0, 1] over the rollout (Spearman ρ only sees the order), the
/// ground truth (−c_t) in the same units.
public enum RewardTracePlot {
    public static func plot(encoder: FrameEncoder, episode: PoolEpisode, demonstrations: [Tensor],
                            methods: [VisualRewardMethod], title: String) -> LinePlot {
        func rescaled(_ values: [Double]) -> [(x: Double, y: Double)] {
            let low = values.min() ?? 0, high = values.max() ?? 1
            let span = high > low ? high - low : 1
            return values.enumerated().map { (Double($0.offset), ($0.element - low) / span) }
        }
        var series: [LinePlot.Series] = []
        for method in methods {
            let values: [Double]
            if method == .truth {
                values = episode.costs.map { -$0 }
            } else {
                values = VisualEpisodeReward(encoder: encoder, method: method, demonstrationFeatures: demonstrations)
                    .frameRewards(features: episode.features!)
            }
            series.append(LinePlot.Series(label: method == .truth ? "ground truth (−c_t)" : method.rawValue, points: rescaled(values)))
        }
        return LinePlot(title: title, xLabel: "step", yLabel: "reward, rescaled to [0, 1] over the rollout", series: series)
    }
}
