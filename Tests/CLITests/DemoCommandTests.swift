import Foundation
import Testing
import TestSupport

/// `channelwatch demo` end to end: every shipped rule fires, and the summary says so.
@Suite struct DemoCommandTests {
    @Test func theDemoWalksTheTimelineAndEveryShippedRuleFires() async throws {
        try await TestDatabase.with { database in
            // The demo creates its own database (channelwatch_demo) on the server it is pointed at.
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cw-demo-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let result = try await ChannelWatchBinary.run(
                ["demo", "--json"],
                environment: ["DATABASE_URL": database.connectionString, "CHANNELWATCH_DEMO_DATABASE": "cwdemo_\(database.name.suffix(8))"],
                in: directory,
                timeout: .seconds(120))
            #expect(result.succeeded, "\(result.standardError)")
            let lines = result.standardOutput.split(separator: "\n")
            #expect(lines.contains { $0.hasPrefix("── Poll 7:") })
            #expect(lines.contains { $0.contains("rules that fired: 13 of 13 — every shipped rule") })
            let last = try #require(lines.last)
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
            #expect((summary["rulesNotSeen"] as? [String]) == [])
            #expect(summary["dead"] as? Int == 0)
            #expect(summary["delivered"] as? Int == summary["deliveries"] as? Int)
            #expect((summary["resolved"] as? Int ?? 0) >= 7)
            #expect(lines.contains { $0.contains("[CRITICAL] firing quality_low +4930111111 (Berlin Bakery)") })
            // The finale: a change between polls arrives as a signed partner webhook and is notified at once.
            #expect(lines.contains { $0.contains("1 channel re-read at once (a targeted poll)") })
            #expect(lines.contains { $0.contains("[CRITICAL] firing quality_low +4940222222 (Hamburg Harbour Tours)") })
            #expect((summary["webhookSeconds"] as? Double ?? 99) < 5)
            // One event silenced, one inhibited, each said with the reason it was not sent.
            #expect(summary["silenced"] as? Int == 1 && summary["inhibited"] as? Int == 1)
            #expect(lines.contains { $0.contains("not sent: messaging_limit_up ch-gen-010 — silenced (\"client 10 asked for the raise") })
            #expect(lines.contains { $0.contains("not sent: messaging_limit_down ch-berlin — inhibited by waba_banned/ch-berlin") })
            #expect(!lines.contains { $0.contains("changed messaging_limit_down +4930111111") }, "the inhibited event is not printed by the console receiver")
        }
    }
}
