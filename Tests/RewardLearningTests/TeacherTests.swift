import Foundation
import Testing
import TestSupport
@testable import RewardLearning

@Suite("Simulated teachers")
struct TeacherTests {
    let range = (min: 0.0, max: 10.0)

    @Test("the oracle prefers the larger return and calls exact ties equal")
    func oracle() throws {
        var t = SimulatedTeacher(try SimulatedTeacher.preset("oracle"), seed: 1)
        #expect(t.answer(first: [1, 2], second: [0, 1], returnRange: range) == .first)
        #expect(t.answer(first: [0, 1], second: [1, 2], returnRange: range) == .second)
        #expect(t.answer(first: [1, 1], second: [2, 0], returnRange: range) == .equal)
    }

    @Test("the myopic teacher weighs recent steps more")
    func myopic() throws {
        var t = SimulatedTeacher(try SimulatedTeacher.preset("myopic"), seed: 1)
        // Same undiscounted return; the second earns its reward at the end.
        #expect(t.answer(first: [5, 0, 0], second: [0, 0, 5], returnRange: range) == .second)
        #expect(abs(t.perceivedReturn([5, 0, 0]) - 5 * 0.81) < 1e-12)
    }

    @Test("skip and equal thresholds scale with the return range")
    func thresholds() throws {
        var skip = SimulatedTeacher(try SimulatedTeacher.preset("skip"), seed: 1)
        #expect(skip.answer(first: [0.5], second: [0.9], returnRange: range) == .skip)  // both below 0 + 0.1·10
        #expect(skip.answer(first: [0.5], second: [1.5], returnRange: range) == .second)
        #expect(skip.answer(first: [0.5], second: [0.9], returnRange: (min: 0, max: 1)) == .second)
        var equal = SimulatedTeacher(try SimulatedTeacher.preset("equal"), seed: 1)
        #expect(equal.answer(first: [5], second: [5.9], returnRange: range) == .equal)
        #expect(equal.answer(first: [5], second: [6.1], returnRange: range) == .second)
    }

    @Test("the mistake teacher flips about ε of its answers; the noisy one follows σ(β·ΔR); both are seeded")
    func stochastic() throws {
        var mistake = SimulatedTeacher(try SimulatedTeacher.preset("mistake"), seed: 7)
        let flips = (0..<4000).filter { _ in mistake.answer(first: [1], second: [2], returnRange: range) == .first }.count
        #expect(abs(Double(flips) / 4000 - 0.1) < 0.02)
        var noisy = SimulatedTeacher(try SimulatedTeacher.preset("noisy"), seed: 7)
        let seconds = (0..<4000).filter { _ in noisy.answer(first: [0], second: [1], returnRange: range) == .second }.count
        let expected: Double = 1 / (1 + exp(-1.0))
        #expect(abs(Double(seconds) / 4000 - expected) < 0.03)
        var a = SimulatedTeacher(try SimulatedTeacher.preset("noisy"), seed: 3), b = SimulatedTeacher(try SimulatedTeacher.preset("noisy"), seed: 3)
        let answersA = (0..<50).map { _ in a.answer(first: [0], second: [0.3], returnRange: range) }
        let answersB = (0..<50).map { _ in b.answer(first: [0], second: [0.3], returnRange: range) }
        #expect(answersA == answersB)
        #expect(throws: TeacherError.self) { try SimulatedTeacher.preset("lazy") }
    }
}
