/// A task's reward terms, by name. A task declares them once as an enum whose cases, in order, are the
/// terms of `TaskSpec.rewardTerms`:
///
/// ```swift
/// enum Term: Int, RewardTerm { case distance, speed, mainEngine, crash }
/// var terms = TermValues<Term>()
/// terms[.mainEngine] = -0.3 * power
/// ```
///
/// A term's name is its case name in snake case (`mainEngine` → `main_engine`).
public protocol RewardTerm: CaseIterable, RawRepresentable, Sendable where RawValue == Int {}

extension RewardTerm {
    /// The term's name in records, `--reward terms:` and the hierarchy files.
    public var name: String { snakeCase(String(describing: self)) }

    /// Every term's name, in order.
    public static var names: [String] { allCases.map(\.name) }
}

/// One value per reward term of `Term`, read and written by name.
public struct TermValues<Term: RewardTerm>: Sendable, Equatable {
    /// The values in `Term`'s order: what `StepResult.terms` carries.
    public private(set) var values: [Double]

    /// Every term 0.
    public init() { values = [Double](repeating: 0, count: Term.allCases.count) }

    /// Every term 0 except `term`.
    public static func only(_ term: Term, _ value: Double) -> TermValues {
        var terms = TermValues()
        terms[term] = value
        return terms
    }

    public subscript(term: Term) -> Double {
        get { values[term.rawValue] }
        set { values[term.rawValue] = newValue }
    }

    /// The reward: the sum of the terms, in order.
    public var total: Double { values.reduce(0, +) }
}

/// `mainEngine` → `main_engine`.
func snakeCase(_ name: String) -> String {
    var result = ""
    for character in name {
        if character.isUppercase {
            result += "_" + character.lowercased()
        } else {
            result.append(character)
        }
    }
    return result
}
