import Foundation
import Testing
import TestSupport

@Suite("sandbox qdhf and archive")
struct ArchiveCommandTests {
    @Test("a lander QDHF run exports a policy bundle that shows, replays and imports back identically")
    func landerBundle() throws {
        let directory = try CommandLine.temporaryDirectory()
        let run = try CommandLine.run(["qdhf", "--domain", "lander", "--method", "qdhf", "--iterations", "6", "--batch", "12",
                                       "--judgments", "40", "--grid", "8", "--out", "\(directory)/run"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("qdhf on lander"))
        let bundle = "\(directory)/bundle"
        let export = try CommandLine.run(["archive", "export", "--run", "\(directory)/run", "--out", bundle, "--top", "3", "--clips", "1"])
        #expect(export.status == 0, "\(export.standardError)")
        for file in ["manifest.json", "policies.safetensors", "measures.safetensors", "heatmap.png", "contact_sheet.png", "clips/elite_0.gif"] {
            #expect(FileManager.default.fileExists(atPath: "\(bundle)/\(file)"), "\(file)")
        }
        let show = try CommandLine.run(["archive", "show", bundle, "--top", "2"])
        #expect(show.status == 0 && show.standardOutput.contains("lander archive of LunarLanderContinuous-v1"), "\(show.standardOutput)")
        let replay = try CommandLine.run(["archive", "replay", bundle])
        #expect(replay.status == 0 && replay.standardOutput.contains("reproduced their recorded objective and measures"), "\(replay.standardOutput)")
        let one = try CommandLine.run(["archive", "replay", bundle, "--elite", "0", "--clip", "\(directory)/e0.gif"])
        #expect(one.status == 0 && FileManager.default.fileExists(atPath: "\(directory)/e0.gif"))
        let imported = try CommandLine.run(["archive", "import", bundle, "--out", "\(directory)/again"])
        #expect(imported.status == 0, "\(imported.standardError)")
        for file in ["manifest.json", "policies.safetensors", "measures.safetensors"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: "\(bundle)/\(file)")) == Data(contentsOf: URL(fileURLWithPath: "\(directory)/again/\(file)")), "\(file)")
        }
        // Errors: a missing manifest, an elite out of range, an unknown domain.
        try FileManager.default.removeItem(atPath: "\(directory)/again/manifest.json")
        let missing = try CommandLine.run(["archive", "show", "\(directory)/again"])
        #expect(missing.status == 1 && missing.standardError.contains("has no manifest.json"))
        let outOfRange = try CommandLine.run(["archive", "replay", bundle, "--elite", "100000"])
        #expect(outOfRange.status == 2 && outOfRange.standardError.contains("no elite 100000"))
        let domain = try CommandLine.run(["qdhf", "--domain", "ocean", "--method", "qdhf", "--out", "\(directory)/x"])
        #expect(domain.status == 2 && domain.standardError.contains("use --domain arm or maze or lander"))
    }
}
