import Foundation
import SandboxCore

/// Which model explains a person's answers on a continuous task, where there is no tabular V*: the
/// expert's exact values (`ExpertValues`) give each segment's regret V(s₀) − (Σ r + V(s_end)), the
/// replay gives its partial return Σ r, and each model is P(first ≻ second) = σ(β·Δ), with
/// Δ = Σr₁ − Σr₂ (partial return) or regret₂ − regret₁ (regret). The models differ only in Δ; the one
/// free parameter, the person's rationality β ≥ 0, is fitted by maximum likelihood on the training
/// folds, and each model is scored by its held-out log-likelihood per answer, as on the delivery board.
extension PreferenceModelComparison {
    /// Compares the models on every annotator's answers to the store's pair queries of the expert's task.
    public func compare(store: LabelStore, expert: ExpertValues) throws -> [Result] {
        let queries = Dictionary(uniqueKeysWithValues: try store.queries().filter { $0.kind == .pair }.map { ($0.id, $0) })
        var records: [Int64: EpisodeRecord] = [:]
        func record(_ id: Int64) throws -> EpisodeRecord? {
            if let known = records[id] { return known }
            let r = try store.episode(id)
            guard r.taskID == expert.taskID else { return nil }
            records[id] = r
            return r
        }
        var answered: [(annotator: String, first: SegmentReference, second: SegmentReference, y: Double)] = []
        var segments: [(record: EpisodeRecord, start: Int, length: Int)] = []
        for answer in try store.answers() {
            guard let query = queries[answer.queryID], answer.answer != .skip,
                  let a = try record(query.first.episode), let b = try record(query.second.episode) else { continue }
            let y = answer.answer == .first ? 1.0 : answer.answer == .second ? 0.0 : 0.5
            answered.append((answer.annotator, query.first, query.second, y))
            segments += [(a, query.first.start, query.first.length), (b, query.second.start, query.second.length)]
        }
        guard !answered.isEmpty else { throw ComparisonError.noTaskAnswers(store.path, task: expert.taskID) }
        let regrets = try expert.regrets(segments)
        var byAnnotator: [String: [(partialReturn: Double, regret: Double, y: Double)]] = [:]
        for (i, a) in answered.enumerated() {
            let first = regrets[2 * i], second = regrets[2 * i + 1]
            byAnnotator[a.annotator, default: []].append((first.partialReturn - second.partialReturn, second.regret - first.regret, a.y))
        }
        return byAnnotator.keys.sorted().map { annotator in
            let pairs = byAnnotator[annotator]!
            return Result(annotator: annotator, answers: pairs.count,
                          partialReturn: crossValidatedLogLikelihood(differences: pairs.map { ($0.partialReturn, $0.y) }),
                          regret: crossValidatedLogLikelihood(differences: pairs.map { ($0.regret, $0.y) }))
        }
    }

    /// Mean held-out log-likelihood per answer of σ(β·Δ) with β fitted on the other folds.
    public func crossValidatedLogLikelihood(differences: [(delta: Double, y: Double)]) -> Double {
        crossValidated(differences) { train, held in
            let beta = Self.fittedRationality(train)
            return held.reduce(0) { $0 + Self.logLikelihood($1, beta: beta) }
        }
    }

    static func logLikelihood(_ pair: (delta: Double, y: Double), beta: Double) -> Double {
        let z = beta * pair.delta
        return -(softplus(z) - pair.y * z)
    }

    /// The β ≥ 0 that maximises the likelihood of `pairs` (concave in β): golden-section search over
    /// log β, in units of 1 / std(Δ), from 10⁻⁴ to 10⁴ (β = 0, a person who answers at random, is the
    /// floor).
    static func fittedRationality(_ pairs: [(delta: Double, y: Double)]) -> Double {
        guard !pairs.isEmpty else { return 0 }
        let scale = (pairs.map { $0.delta * $0.delta }.reduce(0, +) / Double(pairs.count)).squareRoot()
        guard scale > 0 else { return 0 }
        func objective(_ logBeta: Double) -> Double {
            let beta = exp(logBeta) / scale
            return pairs.reduce(0) { $0 + logLikelihood($1, beta: beta) }
        }
        var low = log(1e-4), high = log(1e4)
        let ratio = (5.0.squareRoot() - 1) / 2
        for _ in 0..<80 {
            let a = high - ratio * (high - low), b = low + ratio * (high - low)
            if objective(a) < objective(b) { low = a } else { high = b }
        }
        let best = (low + high) / 2
        return objective(best) >= objective(-.infinity) ? exp(best) / scale : 0
    }
}
