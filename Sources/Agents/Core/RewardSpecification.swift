import SandboxCore

/// Where a run's reward comes from, as `--reward` and `config.json` name it:
/// - `true`: the task's own reward;
/// - `terms:NAME=W,NAME=W`: a weighted sum of the task's named reward terms;
/// - `model:PATH`: a reward model saved by `sandbox fit-reward` or `sandbox pbrl`;
/// - `pbrl:TEACHER:LABELS`: a reward learned during the run by a preference loop (written by
///   `sandbox pbrl`; it cannot be given to `train`);
/// - `visual:METHOD:ENCODER`: a reward from frames (RAPL and its baselines), written by `sandbox rapl train`.
///
/// It encodes as that text, so config.json files read and write as before.
public enum RewardSpecification: Equatable, Sendable, CustomStringConvertible {
    case environment
    case terms([TermWeight])
    case model(path: String)
    case preferenceLoop(teacher: String, labels: Int)
    /// A reward learned by HERON from a ranking of the task's terms (`heron:RANKING`, written by `sandbox heron`).
    case hierarchy(ranking: String)
    /// A reward from frames by an encoder (`visual:METHOD:ENCODER`, written by `sandbox rapl train`).
    case visual(method: String, encoder: String)

    /// One term of a `terms:` reward.
    public struct TermWeight: Equatable, Sendable {
        public var term: String
        public var weight: Double
        /// The weight as written (`1.0`, `0.50`), kept so that config.json says what the user typed.
        public var text: String

        public init(term: String, weight: Double) {
            self.init(term: term, weight: weight, text: RewardSpecification.format(weight))
        }

        init(term: String, weight: Double, text: String) {
            self.term = term
            self.weight = weight
            self.text = text
        }
    }

    /// Parses the text forms above; errors say what is accepted.
    public init(parsing text: String) throws {
        if text == "true" {
            self = .environment
        } else if text.hasPrefix("terms:") {
            var weights: [TermWeight] = []
            for item in text.dropFirst(6).split(separator: ",") {
                let parts = item.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, let w = Double(parts[1]), w.isFinite else {
                    throw AgentError.invalidReward("'\(item)' is not NAME=WEIGHT; e.g. terms:distance=1,main_engine=0.5")
                }
                weights.append(TermWeight(term: String(parts[0]), weight: w, text: String(parts[1])))
            }
            guard !weights.isEmpty else { throw AgentError.invalidReward("terms: needs at least one NAME=WEIGHT") }
            if let twice = weights.map(\.term).first(where: { name in weights.filter { $0.term == name }.count > 1 }) {
                throw AgentError.invalidReward("term '\(twice)' is weighted twice in '\(text)'; give each term once")
            }
            if let huge = weights.first(where: { abs($0.weight) > 1e6 }) {
                throw AgentError.invalidReward("weight \(huge.text) of '\(huge.term)' is beyond ±1000000; rewards that large overflow training")
            }
            self = .terms(weights)
        } else if text.hasPrefix("model:") {
            let path = String(text.dropFirst(6))
            guard !path.isEmpty else { throw AgentError.invalidReward("model: needs a path, e.g. model:runs/reward.safetensors") }
            self = .model(path: path)
        } else if text.hasPrefix("pbrl:") {
            let parts = text.dropFirst(5).split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 2, let labels = Int(parts[parts.count - 1]), labels > 0,
                  case let teacher = parts.dropLast().joined(separator: ":"), !teacher.isEmpty else {
                throw AgentError.invalidReward("'\(text)' is not pbrl:TEACHER:LABELS (written by sandbox pbrl, e.g. pbrl:oracle:1000)")
            }
            self = .preferenceLoop(teacher: teacher, labels: labels)
        } else if text.hasPrefix("heron:") {
            let ranking = String(text.dropFirst(6))
            guard !ranking.isEmpty else { throw AgentError.invalidReward("'\(text)' is not heron:RANKING (written by sandbox heron)") }
            self = .hierarchy(ranking: ranking)
        } else if text.hasPrefix("visual:") {
            let parts = text.dropFirst(7).split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw AgentError.invalidReward("'\(text)' is not visual:METHOD:ENCODER (written by sandbox rapl train, e.g. visual:rapl:enc.safetensors)")
            }
            self = .visual(method: String(parts[0]), encoder: String(parts[1]))
        } else {
            throw AgentError.invalidReward("unknown reward '\(text)'; use true, terms:NAME=W,... or model:PATH")
        }
    }

    public var description: String {
        switch self {
        case .environment: return "true"
        case .terms(let weights):
            return "terms:" + weights.map { "\($0.term)=\($0.text)" }.joined(separator: ",")
        case .model(let path): return "model:\(path)"
        case let .preferenceLoop(teacher, labels): return "pbrl:\(teacher):\(labels)"
        case .hierarchy(let ranking): return "heron:\(ranking)"
        case let .visual(method, encoder): return "visual:\(method):\(encoder)"
        }
    }

    /// The task's own reward, so no true return needs logging beside it.
    public var isEnvironment: Bool { self == .environment }

    /// Checks the terms against `task`'s reward terms.
    public func validate(against task: TaskSpec) throws {
        guard case .terms(let weights) = self else { return }
        for weight in weights where !task.rewardTerms.contains(weight.term) {
            throw AgentError.invalidReward("\(task.id) has no reward term '\(weight.term)'; its terms are \(task.rewardTerms.joined(separator: ", "))")
        }
    }

    /// `1` for 1.0, `0.5` for 0.5: the shortest text that reads back as the same number.
    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

extension RewardSpecification: TextCodable {}

extension RewardSource {
    /// The source for a specification on `task`; `loadModel` reads a `model:` file (the reward-learning
    /// module provides it). A `pbrl:` reward exists only inside its preference loop and is refused.
    public init(_ specification: RewardSpecification, task: TaskSpec, loadModel: (String) throws -> any RewardModel) throws {
        try specification.validate(against: task)
        switch specification {
        case .environment: self = .environment
        case .terms(let weights):
            self = .terms(Dictionary(weights.map { ($0.term, $0.weight) }, uniquingKeysWith: { _, last in last }))
        case .model(let path): self = .model(try loadModel(path))
        case .preferenceLoop:
            throw AgentError.invalidReward("'\(specification)' was learned inside a preference loop; train on its saved model with --reward model:RUN/reward_model.safetensors")
        case .hierarchy:
            throw AgentError.invalidReward("'\(specification)' was learned inside a HERON run; continue it with sandbox heron, or train on its saved model with --reward model:RUN/heron_model.safetensors")
        case .visual:
            throw AgentError.invalidReward("'\(specification)' is a reward from frames; train on it with sandbox rapl train --encoder ENCODER --reward METHOD")
        }
    }
}
