import SandboxCore

extension RewardHierarchy {
    /// Reads a ranking written as text: levels from most to least important separated by `>`, terms
    /// of one level joined by `+`, and a leading `-` on a level whose smaller values are better, e.g.
    /// `landing+crash>distance>speed>tilt>main_engine+side_engine`. Each level gets the margin of the
    /// same position in `margins` (one for all when `margins` is empty or has one value).
    public init(ranking text: String, task spec: TaskSpec, margins: [Double] = [], scope: MarginScope = .buffer,
                annotator: String = "ranking") throws {
        let parts = text.split(separator: ">", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else {
            throw HierarchyError.malformedRanking(text, known: spec.rewardTerms)
        }
        guard margins.count <= 1 || margins.count == parts.count else {
            throw HierarchyError.marginCount(margins.count, levels: parts.count)
        }
        let levels = parts.enumerated().map { index, part -> Level in
            let sign = part.hasPrefix("-") ? -1 : 1
            let terms = part.drop(while: { $0 == "-" || $0 == " " }).split(separator: "+").map { $0.trimmingCharacters(in: .whitespaces) }
            let margin = margins.isEmpty ? 1 : margins.count == 1 ? margins[0] : margins[index]
            return Level(terms: terms, sign: sign, margin: margin, scope: scope)
        }
        self.init(task: spec.id, annotator: annotator, levels: levels)
        for level in levels where level.terms.contains(where: \.isEmpty) {
            throw HierarchyError.malformedRanking(text, known: spec.rewardTerms)
        }
        try validate(against: spec)
    }

    /// The ranking as text (what `init(ranking:task:)` reads).
    public var rankingText: String { levels.map(\.term).joined(separator: ">") }

    /// HERON's default rankings for the lander and the walker (issue 25): the lander's landing or
    /// crash, then distance to the pad, speed, tilt, then fuel; the walker's fall, then forward
    /// progress, head angle, then torque. Nil for other tasks.
    public static func defaultRanking(for taskName: String) -> String? {
        switch taskName {
        case "LunarLanderContinuous": return "landing+crash>distance>speed>tilt>main_engine+side_engine"
        case "BipedalWalker", "BipedalWalkerHardcore": return "fall>forward>head_angle>motor_torque"
        default: return nil
        }
    }
}

extension HierarchyError: UsageErrorClassifying {
    /// A ranking's words are the caller's: unknown terms, repeats, bad margins are usage errors; a file
    /// that cannot be read is not.
    public var isUsageError: Bool {
        switch self {
        case .unreadable, .malformed: return false
        default: return true
        }
    }
}
