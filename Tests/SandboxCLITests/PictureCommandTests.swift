import Foundation
import Testing
import TestSupport
import SandboxCLI
import SandboxCore

@Suite("Pictures and clips from the command line")
struct PictureCommandTests {
    func expectUsageError(_ arguments: [String], mentioning fragments: [String]) throws {
        let output = try CommandLine.run(arguments)
        #expect(output.status == 2, "\(arguments): \(output.standardError)")
        for fragment in fragments { #expect(output.standardError.contains(fragment), "\(output.standardError)") }
    }

    @Test("picture outputs must carry their format's extension: a usage error (exit 2) names it, and nothing is run")
    func extensionsChecked() throws {
        let directory = try CommandLine.temporaryDirectory()
        try expectUsageError(["rollout", "--task", "GridWorld-v1", "--sheet", "\(directory)/x.gif"],
                             mentioning: ["--sheet", "PNG", "\(directory)/x.png"])
        try expectUsageError(["rollout", "--task", "GridWorld-v1", "--clip", "\(directory)/x.avi"], mentioning: ["--clip", ".gif or .mp4"])
        try expectUsageError(["rollout", "--task", "GridWorld-v1", "--clip", "\(directory)/x"], mentioning: [".gif or .mp4", "x.gif"])
        try expectUsageError(["plot", directory, "--out", "\(directory)/curves.jpg"], mentioning: ["--out", "curves.png"])
        try expectUsageError(["pair", "a.json", "b.json", "--clip", "\(directory)/pair.png"], mentioning: ["--clip", ".gif or .mp4"])
        try expectUsageError(["replay", "a.json", "--sheet", "\(directory)/s.jpeg"], mentioning: ["--sheet", ".png"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test("rollout says how each episode ended, and its contact sheet is written")
    func rolloutOutcome() throws {
        let directory = try CommandLine.temporaryDirectory()
        let output = try CommandLine.run(["rollout", "--task", "LunarLanderContinuous-v1", "--seed", "1", "--size", "120x80",
                                          "--sheet", "\(directory)/sheet.png", "--record", "\(directory)/a.json"])
        #expect(output.status == 0, "\(output.standardError)")
        #expect(output.standardOutput.contains("terminated (landed)"))
        let sheet = try Frame.readPNG(from: "\(directory)/sheet.png")
        #expect(sheet.width == 4 * 240 + 5 * 4)
        #expect((0..<sheet.height).contains { y in (0..<sheet.width).contains { sheet[$0, y] == (250, 190, 60) } }, "the outcome's amber tag")
    }

    @Test("pair reports each side's segment return and how it ended")
    func pairOutcomes() throws {
        let directory = try CommandLine.temporaryDirectory()
        #expect(try CommandLine.run(["rollout", "--task", "LunarLanderContinuous-v1", "--seed", "1", "--record", "\(directory)/a.json"]).status == 0)
        #expect(try CommandLine.run(["rollout", "--task", "LunarLanderContinuous-v1", "--seed", "2", "--policy", "random",
                                     "--record", "\(directory)/b.json"]).status == 0)
        let output = try CommandLine.run(["pair", "\(directory)/a.json", "\(directory)/b.json", "--clip", "\(directory)/pair.gif",
                                          "--size", "60x40"])
        #expect(output.status == 0, "\(output.standardError)")
        #expect(output.standardOutput.contains("A: segment return 298.80, ended: landed"), "\(output.standardOutput)")
        #expect(output.standardOutput.contains("B: segment return") && output.standardOutput.contains("ended: "))
        let cut = try CommandLine.run(["pair", "\(directory)/a.json", "\(directory)/b.json", "--clip", "\(directory)/cut.gif",
                                       "--size", "60x40", "--start", "10", "--length", "20"])
        #expect(cut.standardOutput.contains("A: segment return") && cut.standardOutput.components(separatedBy: "episode goes on").count == 3)
    }
}
