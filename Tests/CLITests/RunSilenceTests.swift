import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// Silences and inhibition with real `channelwatch run` processes, the simulator and a webhook
/// sink: a silence made on either replica (CLI or API) mutes that channel only, its expiry
/// notifies once, and a banned WABA's per-channel alerts are inhibited end to end.
@Suite struct RunSilenceTests {
    static func post(port: Int, _ path: String, json: String) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = "POST"
        request.httpBody = Data(json.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
    }

    @Test func twoReplicasHonourASilenceCreatedOnEitherAndItsExpiryNotifiesOnce() async throws {
        let scenario = RunWorld.smallScenario(partner: "silence-partner", steps: """
                - {name: all drop, changes: [{channel: c1, set: {current_quality_rating: Low}}, {channel: c2, set: {current_quality_rating: Low}}, {channel: c3, set: {current_quality_rating: Low}}]}
            """)
        try await RunWorld.with(scenario: scenario) { world in
            let workers = [try world.startWorker(), try world.startWorker()]
            try await world.eventually("the first poll", workers: workers) {
                try await world.count("SELECT count(*) FROM polls WHERE complete") >= 1
            }
            // Bad input: every problem named, nothing stored.
            let bad = try await world.command(["silence", "add", "--match", "wabaid=1", "--match", "rule=~(", "--duration", "2h"])
            #expect(bad.exitCode != 0)
            #expect(bad.standardError.contains("unknown label 'wabaid' (did you mean 'waba_id'?)"), "\(bad.standardError)")
            #expect(bad.standardError.contains("invalid regular expression '('"))
            #expect(bad.standardError.contains("a comment is required"))
            #expect(try await world.count("SELECT count(*) FROM silences") == 0)

            // c1 silenced through the CLI, c2 through the second worker's API.
            let added = try await world.command(["silence", "add", "--match", "channel_id=c1", "--match", "rule=~quality_.*",
                                                 "--duration", "1h", "--comment", "client migrating", "--author", "ana", "--json"])
            #expect(added.succeeded, "\(added.standardError)")
            let cliSilence = try #require(try JSONSerialization.jsonObject(with: Data(added.standardOutput.utf8)) as? [[String: Any]])
            let cliID = try #require(cliSilence.first?["id"] as? String)
            let viaAPI = try await Self.post(port: workers[1].port, "/api/v1/silences", json: """
                {"matchers": {"channel_id": "c2"}, "duration": "1h", "comment": "number porting", "created_by": "ben"}
                """)
            #expect(viaAPI.status == 201, "\(viaAPI.body)")

            #expect(await world.simulator.advance())
            let c3 = EventKey(rule: "quality_low", channel: "c3", status: "firing")
            try await world.eventually("c3's notification", workers: workers) { world.deliveredEvents.flatMap(\.events).contains(c3) }
            let polls = try await world.count("SELECT count(*) FROM polls WHERE complete")
            try await world.eventually("two more polls", workers: workers) {
                try await world.count("SELECT count(*) FROM polls WHERE complete") >= polls + 2
            }
            var sent = world.deliveredEvents.flatMap(\.events)
            #expect(!sent.contains { $0.channel == "c1" || $0.channel == "c2" }, "silenced on both replicas: \(sent)")
            #expect(try await world.count("SELECT count(*) FROM events WHERE channel_id IN ('c1', 'c2') AND silenced_by IS NOT NULL") >= 2)

            let events = try await world.command(["events", "--channel", "c1", "--json"])
            #expect(events.standardOutput.contains(#""silenced_by" : ["#), "\(events.standardOutput)")
            let table = try await world.command(["events", "--channel", "c1"])
            #expect(table.standardOutput.contains("silenced"), "\(table.standardOutput)")
            let alerts = try await world.command(["alerts", "--channel", "c1"])
            #expect(alerts.standardOutput.contains("held back: silenced"), "\(alerts.standardOutput)")

            // The CLI silence ends: c1 is notified once; c2 stays muted.
            let expired = try await world.command(["silence", "expire", cliID])
            #expect(expired.succeeded && expired.standardOutput.contains("expired"), "\(expired.standardError)")
            let c1 = EventKey(rule: "quality_low", channel: "c1", status: "firing")
            try await world.eventually("c1 notified after the expiry", workers: workers) {
                world.deliveredEvents.flatMap(\.events).contains(c1)
            }
            let after = try await world.count("SELECT count(*) FROM polls WHERE complete")
            try await world.eventually("two more polls", workers: workers) {
                try await world.count("SELECT count(*) FROM polls WHERE complete") >= after + 2
            }
            sent = world.deliveredEvents.flatMap(\.events)
            #expect(sent.filter { $0 == c1 }.count == 1, "once: \(sent)")
            #expect(!sent.contains { $0.channel == "c2" })

            let list = try await world.command(["silence", "list"])
            #expect(list.standardOutput.contains("number porting") && !list.standardOutput.contains("client migrating"),
                    "\(list.standardOutput)")
            let all = try await world.command(["silence", "list", "--expired", "--json"])
            #expect(all.standardOutput.contains("client migrating") && all.standardOutput.contains(#""state" : "expired""#))
            let metrics = await workers[0].get("/metrics")?.body ?? ""
            let reasons = metrics.split(separator: "\n").filter { $0.hasPrefix("channelwatch_events_suppressed_total{reason=\"silenced\"}") }
            #expect(reasons.count == 1, "\(metrics)")
            for worker in workers { _ = await worker.terminate() }
        }
    }

    @Test func aBannedWABAsChannelAlertsAreInhibitedEndToEnd() async throws {
        let channel = { (id: String, waba: String) in
            """
                  - {id: \(id), status: ready, current_quality_rating: High, availability_status: ready, current_limit: TIER_1K,
                     setup_info: {phone_number: "+4930\(id)", phone_name: "Shop \(id)"}, waba_account: {id: \(waba), status: approved}}
            """
        }
        let scenario = """
            partners:
              - id: ban-partner
                api_key: \(RunWorld.apiKey)
                channels:
            \(channel("c1", "w1"))
            \(channel("c2", "w1"))
            \(channel("c3", "w2"))
            timeline:
              advance: manual
              steps:
                - name: w1 banned, its numbers go Low and error; c3 goes Low
                  changes:
                    - {channel: c1, set: {waba_account.status: account_banned, current_quality_rating: Low, availability_status: error}}
                    - {channel: c2, set: {waba_account.status: account_banned, current_quality_rating: Low}}
                    - {channel: c3, set: {current_quality_rating: Low}}
            """
        let inhibit = """
            inhibit_rules:
              - source_match: {rule: waba_banned}
                target_match: {rule: "=~ quality_.*|availability_error|channel_status_error|messaging_limit_.*"}
                equal: [waba_id]
            """
        try await RunWorld.with(scenario: scenario, extraConfig: inhibit) { world in
            let worker = try world.startWorker()
            try await world.eventually("the first poll", workers: [worker]) {
                try await world.count("SELECT count(*) FROM polls WHERE complete") >= 1
            }
            #expect(await world.simulator.advance())
            let c3 = EventKey(rule: "quality_low", channel: "c3", status: "firing")
            try await world.eventually("the bans and c3's notification", workers: [worker]) {
                let sent = world.deliveredEvents.flatMap(\.events)
                return sent.contains(c3) && sent.filter { $0.rule == "waba_banned" }.count == 2
            }
            let sent = world.deliveredEvents.flatMap(\.events)
            #expect(!sent.contains { ($0.channel == "c1" || $0.channel == "c2") && $0.rule != "waba_banned" },
                    "a banned WABA's per-channel alerts are inhibited: \(sent)")
            let inhibited = try await world.database.client.query("""
                SELECT rule, channel_id, inhibited_by FROM events WHERE inhibited_by IS NOT NULL ORDER BY channel_id, rule
                """).map { "\(try $0.decode(String.self, "rule")) \(try $0.decode(String.self, "channel_id")) by \(try $0.decode(String.self, "inhibited_by"))" }
            #expect(inhibited.contains { $0.hasPrefix("quality_low c1 by waba_banned/c") }, "\(inhibited)")
            #expect(inhibited.contains { $0.hasPrefix("availability_error c1 by waba_banned/c") }, "\(inhibited)")
            #expect(inhibited.contains { $0.hasPrefix("quality_low c2 by waba_banned/c") }, "\(inhibited)")
            #expect(!inhibited.contains { $0.contains(" c3 ") })
            let metrics = await worker.get("/metrics")?.body ?? ""
            #expect(metrics.contains("channelwatch_events_suppressed_total{reason=\"inhibited\"}"), "\(metrics)")
            _ = await worker.terminate()
        }
    }
}
