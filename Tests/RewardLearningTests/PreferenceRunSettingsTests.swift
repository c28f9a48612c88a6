import Foundation
import Testing
import TestSupport
import SandboxCore
import PhysicsEnvs
@testable import RewardLearning

@Suite("pbrl.json run settings")
struct PreferenceRunSettingsTests {
    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pbrl-settings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("the recipe written to pbrl.json reads back field for field")
    func roundTrip() throws {
        var generator = SeededGenerator(seed: 11)
        var loop = PreferenceLoop.Configuration()
        loop.totalLabels = Int.random(in: 100...2000, using: &generator)
        loop.demonstrationsPerRound = 1
        loop.demonstrationShare = 0.5
        loop.endingShare = 0.25
        loop.rewardOffset = .agentMedian
        loop.sampler = .entropy
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try PreferenceRunSettings(teacher: .simulated(preset: "mistake"), endings: .zero, nonPositiveReward: true, ensembleSize: 5, store: "/tmp/x.db", loop: loop)
            .write(to: folder)
        let read = try PreferenceRunSettings.read(from: folder)
        #expect(read.teacher == .simulated(preset: "mistake"))
        #expect(read.endings == .zero)
        #expect(read.nonPositiveReward == true)
        #expect(read.ensembleSize == 5)
        #expect(read.store == "/tmp/x.db")
        #expect(read.loop.totalLabels == loop.totalLabels)
        #expect(read.loop.demonstrationsPerRound == 1)
        #expect(read.loop.demonstrationShare == 0.5)
        #expect(read.loop.endingShare == 0.25)
        #expect(read.loop.rewardOffset == .agentMedian)
        #expect(read.loop.sampler == .entropy)
        #expect(read.format == 1)
    }

    @Test("a pbrl.json written before a loop setting existed reads with that setting's default")
    func olderFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var loop = PreferenceLoop.Configuration()
        loop.totalLabels = 250
        try PreferenceRunSettings(teacher: .simulated(preset: "oracle"), endings: .zero, ensembleSize: 3, store: "s.db", loop: loop).write(to: folder)
        let file = folder.appendingPathComponent(PreferenceRunSettings.fileName)
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
        var loopObject = object["loop"] as! [String: Any]
        loopObject["endingShare"] = nil
        loopObject["rewardOffset"] = nil
        object["loop"] = loopObject
        object["nonPositiveReward"] = nil
        try JSONSerialization.data(withJSONObject: object).write(to: file)
        let read = try PreferenceRunSettings.read(from: folder)
        #expect(read.loop.endingShare == 0)
        #expect(read.loop.rewardOffset == .free)
        #expect(read.loop.totalLabels == 250)
        #expect(read.nonPositiveReward != true)
    }

    @Test("a folder without pbrl.json, a damaged file and a newer format are refused with the fix")
    func refusals() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: PreferenceRunSettingsError.missing(folder.path)) { try PreferenceRunSettings.read(from: folder) }
        let file = folder.appendingPathComponent(PreferenceRunSettings.fileName)
        try Data("{\"teacher\": ".utf8).write(to: file)
        do {
            _ = try PreferenceRunSettings.read(from: folder)
            Issue.record("a damaged pbrl.json was read")
        } catch let error as PreferenceRunSettingsError {
            guard case .malformed = error else { Issue.record("wrong error \(error)"); return }
            #expect(error.description.contains("damaged"))
        }
        try PreferenceRunSettings(teacher: .simulated(preset: "oracle"), endings: .zero, ensembleSize: 3, store: "s.db", loop: .init()).write(to: folder)
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
        object["format"] = 2
        try JSONSerialization.data(withJSONObject: object).write(to: file)
        #expect(throws: PreferenceRunSettingsError.newerFormat(file.path, 2)) { try PreferenceRunSettings.read(from: folder) }
    }
}
