import SandboxCore

/// A cell of Knox et al.'s delivery domain, by the code their boards use.
public enum DeliveryCell: Int, Sendable, CaseIterable {
    case blank = 0
    /// A house: a wall. Moving into it leaves the agent where it is.
    case house = 2
    /// Sheep: terminal, and costly.
    case sheep = 3
    case coin = 4
    case roadblock = 5
    case mud = 6
    /// Mud with the delivery goal: terminal.
    case mudGoal = 7
    case mudCoin = 10

    /// Whether entering the cell ends the episode.
    public var isTerminal: Bool { self == .sheep || self == .mudGoal }
    /// Whether standing here counts as mud (a blocked move then costs mud, not gas).
    public var isMud: Bool { self == .mud || self == .mudGoal || self == .mudCoin }
}

/// The reward features of a delivery transition, in the order of `DeliveryBoard.trueWeights`.
public enum DeliveryFeature: Int, RewardTerm {
    case gas, goal, sheep, coin, roadblock, mud
}

/// A 10 × 10 board of the delivery domain (Knox et al. 2022, "Models of human preference for learning
/// reward functions", arXiv 2206.02231): a car moves up, right, down or left; the features of a
/// transition come from the cell it enters.
///
/// - blank → gas; coin → gas + coin; roadblock → gas + roadblock; mud → mud; mud + coin → mud + coin;
///   mud + goal → goal only; sheep → sheep only.
/// - A move into a house or off the board stays in place, with gas on a non-mud cell and mud on mud.
/// - True weights: gas −1, goal +50, sheep −50, coin +1, roadblock −1, mud −2; γ = 0.999.
/// - Coins are not used up: the state is the position alone.
public struct DeliveryBoard: Sendable, Equatable {
    public static let side = 10
    /// The true reward weights, in `DeliveryFeature` order (Knox et al. 2022).
    public static let trueWeights: [Double] = [-1, 50, -50, 1, -1, -2]
    /// The discount of the domain's values (Knox et al. 2022).
    public static let discount = 0.999

    /// Cells row by row, row 0 at the top.
    public let cells: [DeliveryCell]

    public init(cells: [DeliveryCell]) {
        precondition(cells.count == Self.side * Self.side, "a delivery board has \(Self.side * Self.side) cells")
        self.cells = cells
    }

    /// The board of Knox et al.'s experiments, rows 0–9.
    public static let knox = DeliveryBoard(cells: [
        0, 0, 5, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 4, 0, 0, 0, 0, 6,
        0, 0, 3, 0, 0, 0, 0, 6, 6, 6,
        4, 0, 5, 0, 2, 3, 3, 6, 6, 0,
        6, 6, 0, 0, 0, 0, 0, 0, 0, 0,
        6, 0, 4, 0, 0, 0, 0, 0, 0, 0,
        6, 2, 0, 3, 5, 2, 0, 0, 0, 0,
        0, 4, 0, 0, 0, 0, 0, 10, 6, 6,
        0, 0, 5, 0, 0, 0, 0, 6, 6, 7,
        0, 0, 0, 0, 0, 0, 5, 0, 0, 4,
    ].map { DeliveryCell(rawValue: $0)! })

    /// A random board with the same cell types: each cell drawn with roughly the Knox board's
    /// frequencies, one mud + goal cell, and at least one start state. Seeded, so `seed` names a board.
    public static func random(seed: UInt64) -> DeliveryBoard {
        var generator = SeededGenerator(seed: seed)
        // Cell types and weights out of 100, close to the Knox board's counts.
        let table: [(DeliveryCell, Int)] = [(.blank, 62), (.house, 4), (.sheep, 5), (.coin, 5), (.roadblock, 6), (.mud, 16), (.mudCoin, 2)]
        var cells = (0..<(side * side)).map { _ -> DeliveryCell in
            var pick = generator.integer(0, 100)
            for (cell, weight) in table {
                if pick < weight { return cell }
                pick -= weight
            }
            return .blank
        }
        cells[generator.integer(0, side * side)] = .mudGoal
        return DeliveryBoard(cells: cells)
    }

    public var stateCount: Int { cells.count }

    /// Cells where an episode may start: every non-terminal, non-wall cell.
    public var startStates: [Int] { cells.indices.filter { !cells[$0].isTerminal && cells[$0] != .house } }

    /// The transition from `state` by `action` (0 up, 1 right, 2 down, 3 left): the next state, its
    /// features (one count per `DeliveryFeature`) and whether it ends the episode.
    public func transition(from state: Int, action: Int) -> (next: Int, features: [Double], terminal: Bool) {
        let row = state / Self.side, column = state % Self.side
        let (dr, dc) = [(-1, 0), (0, 1), (1, 0), (0, -1)][action]
        let r = row + dr, c = column + dc
        var features = [Double](repeating: 0, count: DeliveryFeature.allCases.count)
        guard (0..<Self.side).contains(r), (0..<Self.side).contains(c), cells[r * Self.side + c] != .house else {
            features[cells[state].isMud ? DeliveryFeature.mud.rawValue : DeliveryFeature.gas.rawValue] = 1
            return (state, features, false)
        }
        let next = r * Self.side + c
        switch cells[next] {
        case .blank: features[DeliveryFeature.gas.rawValue] = 1
        case .coin: features[DeliveryFeature.gas.rawValue] = 1; features[DeliveryFeature.coin.rawValue] = 1
        case .roadblock: features[DeliveryFeature.gas.rawValue] = 1; features[DeliveryFeature.roadblock.rawValue] = 1
        case .mud: features[DeliveryFeature.mud.rawValue] = 1
        case .mudCoin: features[DeliveryFeature.mud.rawValue] = 1; features[DeliveryFeature.coin.rawValue] = 1
        case .mudGoal: features[DeliveryFeature.goal.rawValue] = 1
        case .sheep: features[DeliveryFeature.sheep.rawValue] = 1
        case .house: break  // handled above
        }
        return (next, features, cells[next].isTerminal)
    }

    /// The board as a tabular MDP with four actions.
    public func mdp(discount: Double = DeliveryBoard.discount) -> TabularMDP {
        var next: [[Int]] = [], features: [[[Double]]] = [], ends: [[Bool]] = []
        for s in 0..<stateCount {
            let moves = (0..<4).map { transition(from: s, action: $0) }
            next.append(moves.map(\.next))
            features.append(moves.map(\.features))
            ends.append(moves.map(\.terminal))
        }
        let terminal = cells.map(\.isTerminal)
        return TabularMDP(next: next, features: features, endsEpisode: ends, isTerminal: terminal,
                          startStates: startStates, discount: discount)
    }
}
