import Foundation
import Testing
import TestSupport
import SandboxCore
import Rendering
import PhysicsEnvs
import RewardLearning
@testable import Labelling

/// A store with pair (and optionally triplet) queries over short recorded episodes.
func makeStore(task: String = "LunarLanderContinuous-v1", pairs: Int = 3, triplets: Int = 0, seed: UInt64) throws -> LabelStore {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("labelling-\(UUID().uuidString).db").path
    let store = try LabelStore(path: path)
    let environment = try Fixtures.tasks.make(task)
    var segments: [Int64] = []
    for e in 0..<2 {
        let controller = e == 0 ? environment.makeHeuristic() : RandomController(space: environment.spec.actionSpace, seed: seed)
        let episode = try Rollout.run(environment, controller: controller, seed: seed &+ UInt64(e), maxSteps: 30)
        let id = try store.add(episode: episode.record)
        for start in [0, 10] { segments.append(try store.add(segment: SegmentReference(episode: id, start: start, length: 12))) }
    }
    for i in 0..<pairs { try store.addQuery(kind: .pair, first: segments[i % 4], second: segments[(i + 1) % 4]) }
    for i in 0..<triplets { try store.addQuery(kind: .triplet, first: segments[(i + 1) % 4], second: segments[(i + 2) % 4], reference: segments[i % 4]) }
    return store
}

@Suite("Labelling session")
struct LabelSessionTests {
    @Test("answers are committed before the next query shows, with annotator and response time; undo brings a query back")
    func answerAndUndo() throws {
        let store = try makeStore(pairs: 3, seed: 1)
        let session = try LabelSession(store: store, tasks: Fixtures.tasks, annotator: "alice")
        let start = Date(timeIntervalSince1970: 1_000)
        #expect(session.current?.query.id == 1 && session.pendingCount == 3)
        #expect(session.current?.clips.count == 2 && session.current?.frameCount == 13)
        try session.perform(.answer(.first), now: start.addingTimeInterval(2.5))
        // A second connection (another process) sees the answer at once.
        let other = try LabelStore(path: store.path)
        #expect(try other.answers().map(\.answer) == [.first])
        #expect(try other.answers().first?.annotator == "alice")
        #expect(session.current?.query.id == 2 && session.pendingCount == 2 && session.answeredCount == 1)
        try session.perform(.answer(.second))
        try session.perform(.undo)
        #expect(session.current?.query.id == 2 && session.message.contains("undid"))
        try session.perform(.answer(.equal))
        #expect(try other.answers().map(\.answer) == [.first, .equal])
        try session.perform(.answer(.skip))
        #expect(session.current == nil && session.pendingCount == 0)
        try session.perform(.answer(.first))
        #expect(session.message == "no query to answer")
        // A new session of another annotator starts from the beginning; alice's starts with nothing pending.
        #expect(try LabelSession(store: store, tasks: Fixtures.tasks, annotator: "bob").current?.query.id == 1)
        #expect(try LabelSession(store: store, tasks: Fixtures.tasks, annotator: "alice").current == nil)
    }

    @Test("response time runs from showing a query to its answer")
    func responseTime() throws {
        let store = try makeStore(pairs: 1, seed: 2)
        let shown = Date()
        let session = try LabelSession(store: store, tasks: Fixtures.tasks, annotator: "alice")
        try session.refresh(now: shown)
        try session.perform(.answer(.first), now: shown.addingTimeInterval(4))
        let time = try store.answers().first!.responseTime
        #expect(time >= 3.9 && time < 10)
    }

    @Test("playback loops, pauses, steps, scrubs and changes speed")
    func playback() throws {
        let session = try LabelSession(store: try makeStore(pairs: 1, seed: 3), tasks: Fixtures.tasks, annotator: "a")
        // The lander runs at 50 frames per second: 0.1 s is 5 frames.
        session.advance(seconds: 0.1)
        #expect(session.frameIndex == 5)
        session.advance(seconds: 0.2)  // 15 → wraps past 13 frames
        #expect(session.frameIndex == 2)
        try session.perform(.togglePause)
        session.advance(seconds: 1)
        #expect(session.frameIndex == 2)
        try session.perform(.stepFrames(1))
        #expect(session.frameIndex == 3 && session.isPaused)
        try session.perform(.stepFrames(-5))
        #expect(session.frameIndex == 0)
        try session.perform(.jumpFrames(-1))
        #expect(session.frameIndex == 12)
        try session.perform(.seek(0.5))
        #expect(session.frameIndex == 6)
        try session.perform(.faster); try session.perform(.faster); try session.perform(.faster)
        #expect(session.speed == 4)
        for _ in 0..<5 { try session.perform(.slower) }
        #expect(session.speed == 0.25)
        try session.perform(.toggleTraces)
        #expect(session.showsTraces)
    }

    @Test("new queries written by another process appear on refresh; the kind filter holds")
    func picksUpNewQueries() throws {
        let store = try makeStore(pairs: 0, triplets: 0, seed: 4)
        let session = try LabelSession(store: store, tasks: Fixtures.tasks, annotator: "alice", kind: .triplet)
        #expect(session.current == nil && session.pendingCount == 0)
        let writer = try LabelStore(path: store.path)
        try writer.addQuery(kind: .pair, first: 1, second: 2)
        try session.refresh()
        #expect(session.current == nil, "pair queries are not shown in a triplet session")
        try writer.addQuery(kind: .triplet, first: 1, second: 2, reference: 3)
        try session.refresh()
        #expect(session.current?.query.kind == .triplet && session.current?.clips.count == 3)
    }

    @Test("an empty annotator name is refused")
    func emptyAnnotator() throws {
        #expect(throws: LabelSessionError.self) { try LabelSession(store: try makeStore(pairs: 1, seed: 5), tasks: Fixtures.tasks, annotator: "") }
    }

    @Test("keys map to actions as the footer says")
    func keyMap() {
        #expect(SessionWindowContent.action(for: "1") == .answer(.first))
        #expect(SessionWindowContent.action(for: "2") == .answer(.second))
        #expect(SessionWindowContent.action(for: "=") == .answer(.equal))
        #expect(SessionWindowContent.action(for: "s") == .answer(.skip))
        #expect(SessionWindowContent.action(for: "u") == .undo)
        #expect(SessionWindowContent.action(for: "q") == .quit)
        #expect(SessionWindowContent.action(for: "x") == nil)
        #expect(TerminalLabeler.action(for: " left ") == .answer(.first))
        #expect(TerminalLabeler.action(for: "maybe") == nil)
    }
}

@Suite("Labelling screen and ranking")
struct LabelScreenTests {
    /// Fraction of pixels in a rectangle that differ from the background colour.
    func drawnFraction(_ frame: Frame, x: Range<Int>, y: Range<Int>) -> Double {
        var drawn = 0, total = 0
        for py in stride(from: y.lowerBound, to: y.upperBound, by: 3) {
            for px in stride(from: x.lowerBound, to: x.upperBound, by: 3) {
                let p = frame[px, py]
                if (p.0, p.1, p.2) != (30, 30, 36) { drawn += 1 }
                total += 1
            }
        }
        return Double(drawn) / Double(total)
    }

    @Test("a pair screen draws both clips; a triplet screen three; traces add a panel")
    func screens() throws {
        let store = try makeStore(pairs: 1, triplets: 1, seed: 6)
        let session = try LabelSession(store: store, tasks: Fixtures.tasks, annotator: "alice")
        let screen = LabelScreen()
        let pair = screen.render(session)
        #expect(pair.width == LabelScreen.width && pair.height == screen.height)
        #expect(drawnFraction(pair, x: 20..<500, y: 100..<420) > 0.95)
        #expect(drawnFraction(pair, x: 540..<1020, y: 100..<420) > 0.95)
        try session.perform(.toggleTraces)
        let traced = screen.render(session)
        #expect(drawnFraction(traced, x: 20..<380, y: 440..<540) > drawnFraction(pair, x: 20..<380, y: 440..<540) + 0.3)
        try session.perform(.answer(.first))
        let triplet = screen.render(session)
        #expect(session.current?.query.kind == .triplet)
        for left in [20, 360, 700] { #expect(drawnFraction(triplet, x: left..<(left + 300), y: 140..<345) > 0.9) }
        try session.perform(.answer(.first))
        let idle = screen.render(session)
        #expect(drawnFraction(idle, x: 20..<1020, y: 200..<400) < 0.1, "no clips when nothing is pending")
    }

    @Test("a clip that runs past its episode's end says so on the held frames")
    func endedEpisodeTag() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("labelling-\(UUID().uuidString).db").path
        let store = try LabelStore(path: path)
        let environment = try Fixtures.tasks.make("LunarLanderContinuous-v1")
        // Full throttle sideways ends the episode early (a crash or leaving the screen).
        let episode = try Rollout.run(environment, controller: FixedAction([-1, 1]), seed: 3)
        #expect(episode.record.terminated)
        let id = try store.add(episode: episode.record)
        let n = episode.record.length
        let late = try store.add(segment: SegmentReference(episode: id, start: n - 10, length: 40))
        let early = try store.add(segment: SegmentReference(episode: id, start: 0, length: 40))
        try store.addQuery(kind: .pair, first: late, second: early)
        let session = try LabelSession(store: store, tasks: Fixtures.tasks, annotator: "alice")
        let clip = session.current!.clips[0]
        #expect(clip.endFrame == 10 && clip.frames.count == 41)
        #expect(["crashed", "flew off screen"].contains(clip.outcome.description), "replay recomputes how the episode ended")
        #expect(session.current!.clips[1].outcome == .running)
        // Where the left clip's tag goes: compare the screen with the clip's own frame there.
        let screen = LabelScreen()
        let slotWidth = (Double(LabelScreen.width) - 3 * LabelScreen.gap) / 2
        let frame0 = clip.frames[0]
        let fx = Int(LabelScreen.gap + (slotWidth - Double(frame0.width)) / 2)
        let fy = Int(LabelScreen.header + LabelScreen.labelRow + (Double(LabelScreen.pairBox.height) - Double(frame0.height)) / 2)
        func changed(_ rendered: Frame, _ shown: Frame) -> Double {
            var differing = 0, total = 0
            for y in (fy + 9)..<(fy + 25) {
                for x in (fx + 10)..<(fx + 90) {
                    let a = rendered[x, y], b = shown[x - fx, y - fy]
                    if abs(Int(a.0) - Int(b.0)) + abs(Int(a.1) - Int(b.1)) + abs(Int(a.2) - Int(b.2)) > 60 { differing += 1 }
                    total += 1
                }
            }
            return Double(differing) / Double(total)
        }
        #expect(changed(screen.render(session), clip.frames[0]) < 0.1, "no tag while the episode runs")
        try session.perform(.seek(1))
        #expect(session.frameIndex == 40)
        #expect(changed(screen.render(session), clip.frames[40]) > 0.3, "the tag covers the held frame")
    }

    @Test("the arm task's clips play in the window too")
    func armClips() throws {
        let store = try makeStore(task: "PlanarArm-v1", pairs: 0, triplets: 1, seed: 7)
        let session = try LabelSession(store: store, tasks: Fixtures.tasks, annotator: "alice")
        let clip = session.current!.clips[0].frames[0]
        #expect(clip.width == clip.height && clip.width <= LabelScreen.tripletBox.width)
    }

    @Test("the ranking editor orders terms, sets margins and saves a valid hierarchy")
    func rankingEditor() throws {
        let spec = try Fixtures.tasks.spec(for: "LunarLanderContinuous-v1")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ranking-\(UUID().uuidString).json")
        let editor = RankingEditor(spec: spec, annotator: "alice", output: url, marginSteps: ["landing": 1])
        #expect(editor.levels.map(\.term) == spec.rewardTerms)
        // Bring "landing" (last) to the top with Shift+↑, then give it a margin of 12.
        try editor.key(.up, shift: false)
        #expect(editor.selected == spec.rewardTerms.count - 1)
        for _ in 0..<spec.rewardTerms.count { try editor.key(.up, shift: true) }
        #expect(editor.levels[0].term == "landing" && editor.selected == 0)
        try editor.key(.right, shift: true); try editor.key(.right, shift: false); try editor.key(.right, shift: false)
        try editor.key(.left, shift: false)
        #expect(editor.levels[0].margin == 11)
        for _ in 0..<3 { try editor.key(.left, shift: true) }
        #expect(editor.levels[0].margin == 0, "margins stop at zero")
        try editor.key(.right, shift: false)
        try editor.character("j")
        #expect(editor.levels[1].term == "landing")
        let frame = editor.render()
        #expect(frame.width == editor.size.width && frame.height == editor.size.height)
        try editor.key(.enter, shift: false)
        #expect(editor.isFinished && editor.saved)
        let saved = try RewardHierarchy.read(from: url, tasks: Fixtures.tasks)
        #expect(saved.levels[1] == .init(term: "landing", margin: 1) && saved.annotator == "alice")
    }

    @Test("a hierarchy decides by the first term whose difference exceeds its margin")
    func hierarchyComparison() throws {
        let h = RewardHierarchy(task: "LunarLanderContinuous-v1", annotator: "a",
                                levels: [.init(term: "landing", margin: 1), .init(term: "distance", margin: 0.5)])
        #expect(h.compare(["landing": 10, "distance": 0], ["landing": 0, "distance": 5]) == .first)
        #expect(h.compare(["landing": 0.5, "distance": 0], ["landing": 0, "distance": 5]) == .second)
        #expect(h.compare(["landing": 0, "distance": 0.2], ["landing": 0, "distance": 0]) == .equal)
        let spec = try Fixtures.tasks.spec(for: "LunarLanderContinuous-v1")
        #expect(throws: HierarchyError.unknownTerm("fuel", task: spec.id, known: spec.rewardTerms)) {
            try RewardHierarchy(task: spec.id, annotator: "a", levels: [.init(term: "fuel", margin: 0)]).validate(against: spec)
        }
        #expect(throws: HierarchyError.repeatedTerm("crash")) {
            try RewardHierarchy(task: spec.id, annotator: "a", levels: [.init(term: "crash", margin: 0), .init(term: "crash", margin: 1)]).validate(against: spec)
        }
    }

    @Test("the terminal labeller writes side-by-side clips and reads typed answers")
    func terminalLabeller() throws {
        let store = try makeStore(pairs: 1, triplets: 1, seed: 8)
        let session = try LabelSession(store: store, tasks: Fixtures.tasks, annotator: "alice")
        var input = ["?", "2", "1"]
        var output = ""
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("clips-\(UUID().uuidString)")
        let labeller = TerminalLabeler(session: session, clipDirectory: directory,
                                       readLine: { input.isEmpty ? nil : input.removeFirst() }, write: { output += $0 })
        #expect(try labeller.run() == 2)
        #expect(output.contains("which is better?") && output.contains("more like the reference"))
        #expect(try store.answers().map(\.answer) == [.second, .first])
        let clips = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(clips == ["query_1.gif", "query_2.gif"])
    }
}

/// Always the same action.
final class FixedAction: Controller {
    let action: [Float]
    init(_ action: [Float]) { self.action = action }
    func action(for observation: [Float]) -> [Float] { action }
}
