import Foundation
import Testing
import Worker

/// Rules loaded from files carry a fingerprint of their text.
@Suite struct LoadedRulesTests {
    @Test func fingerprintFollowsTheFilesText() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cw-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("quality.yml")
        try Data(WorkerHarness.rulesYAML.utf8).write(to: file)
        let first = try LoadedRules.load(paths: [directory.path])
        #expect(first.ruleSet.rules.map(\.name) == ["quality_low"])
        #expect(try LoadedRules.load(paths: [directory.path]).fingerprint == first.fingerprint)
        try Data(WorkerHarness.rulesYAML.replacingOccurrences(of: "Low", with: "RED").utf8).write(to: file)
        #expect(try LoadedRules.load(paths: [directory.path]).fingerprint != first.fingerprint)
    }

    @Test func brokenRulesThrowWithTheirLocation() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cw-broken-\(UUID().uuidString).yml")
        try Data("rules:\n  - name: x\n    severty: high\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        do {
            _ = try LoadedRules.load(paths: [file.path])
            Issue.record("a broken rule file loaded")
        } catch {
            #expect("\(error)".contains(file.lastPathComponent + ":3:"), "\(error)")
        }
    }
}
