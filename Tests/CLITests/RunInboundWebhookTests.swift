import Foundation
import Testing
import TestSupport

/// `channelwatch run` with `webhook_listen`, and `channelwatch webhooks` / `webhooks send`, as processes.
@Suite struct RunInboundWebhookTests {
    static let secret = "inbound-SECRET-platform-42"

    @Test func aSignedEventIsStoredOnceListedAndCountedAndABadSignatureIsRefused() async throws {
        let scenario = RunWorld.smallScenario(partner: "inbound-partner", steps: "    - {name: c1 drops, changes: [{channel: c1, set: {current_quality_rating: Low}}]}")
        try await RunWorld.with(scenario: scenario, poll: "{interval: 1h, jitter: 1s, timeout: 5s}",
                                webhook: #"{secret: "${CW_TEST_WEBHOOK_SECRET}"}"#) { world in
            let webhookPort = try LoopbackPort.free()
            let environment = ["CW_TEST_API_KEY": RunWorld.apiKey, "CW_TEST_DATABASE": world.database.connectionString,
                               "CW_TEST_LISTEN_PORT": "1", "CW_TEST_WEBHOOK_PORT": "\(webhookPort)",
                               "CW_TEST_WEBHOOK_SECRET": Self.secret]
            let worker = try world.startWorker(extraEnvironment: environment.filter { $0.key.hasPrefix("CW_TEST_WEBHOOK") })
            let event = world.directory.appendingPathComponent("violation.json")
            try Data(#"{"id": "evt-77", "event": "account_violation", "phone_number": "+493000001", "violation_type": "SCAM_TOPSECRET"}"#.utf8)
                .write(to: event)
            func send(secret: String = Self.secret) async throws -> ProcessResult {
                var environment = environment
                environment["CW_TEST_WEBHOOK_SECRET"] = secret
                return try await ChannelWatchBinary.run(
                    ["webhooks", "send", "--config", world.configFile.path, "--partner", "inbound-partner", event.path],
                    environment: environment)
            }

            var first: ProcessResult?
            try await world.eventually("the webhook listener answers", workers: [worker]) {
                first = try await send()
                return first?.succeeded == true
            }
            #expect(first?.standardOutput == "HTTP 200 {\"status\":\"accepted\"}\n")
            let again = try await send()
            #expect(again.standardOutput.contains("duplicate"), "\(again.standardOutput)")
            let forged = try await send(secret: "not-the-secret")
            #expect(forged.exitCode == 1)
            #expect(forged.standardOutput.hasPrefix("HTTP 401 "), "\(forged.standardOutput)")
            #expect(try await world.count("SELECT count(*) FROM inbound_webhooks") == 1)
            // `webhooks send` refuses what it cannot do, naming the partner or the file.
            for (arguments, message) in [(["--partner", "nobody", event.path], "no partner 'nobody'"),
                                         (["--partner", "inbound-partner", "/nonexistent.json"], "cannot read /nonexistent.json")] {
                let refused = try await ChannelWatchBinary.run(["webhooks", "send", "--config", world.configFile.path] + arguments,
                                                               environment: environment)
                #expect(refused.exitCode != 0 && refused.standardError.contains(message), "\(refused.standardError)")
            }
            // The shipped webhook rule reports the violation on the channel of that number, after its re-read.
            try await world.eventually("the account_violation_reported notification", workers: [worker]) {
                world.deliveredEvents.flatMap(\.events).contains(EventKey(rule: "account_violation_reported", channel: "c1", status: "received"))
            }
            #expect(try await world.count("SELECT count(*) FROM events WHERE rule = 'account_violation_reported'") == 1,
                    "a repeated event is evaluated once")

            let listed = try await ChannelWatchBinary.run(["webhooks", "--json"], environment: ["DATABASE_URL": world.database.connectionString])
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: Any]],
                                    "\(listed.standardError)")
            #expect(rows.count == 1)
            #expect(rows.first?["event"] as? String == "account_violation")
            #expect(rows.first?["duplicates"] as? Int == 1)
            #expect(rows.first?["event_key"] as? String == "id:evt-77")
            #expect((rows.first?["names"] as? [String: [String]])?["phone_numbers"] == ["+493000001"])
            let table = try await ChannelWatchBinary.run(["webhooks", "--partner", "inbound-partner"],
                                                         environment: ["DATABASE_URL": world.database.connectionString])
            #expect(table.standardOutput.contains("account_violation") && table.standardOutput.contains("number +493000001"))

            let metrics = try #require(await worker.get("/metrics")?.body)
            #expect(metrics.contains(#"channelwatch_inbound_webhooks_total{partner="inbound-partner",event="account_violation",outcome="accepted"} 1"#), "\(metrics)")
            #expect(metrics.contains(#"outcome="duplicate"} 1"#))
            #expect(metrics.contains(#"outcome="unauthorized"} 1"#))
            let output = worker.output + listed.standardOutput + table.standardOutput
            #expect(output.contains("inbound event accepted"))
            #expect(!output.contains(Self.secret), "the secret is never logged")
            #expect(!output.contains("SCAM_TOPSECRET"), "the body is never logged or listed")
        }
    }

    @Test func theChannelsAnEventNamesAreReReadAtOnceAndAnUnmappableEventBringsAFullPoll() async throws {
        let scenario = RunWorld.smallScenario(partner: "reread-partner", steps: """
                - {name: c1 drops to Low, changes: [{channel: c1, set: {current_quality_rating: Low}}]}
            """)
        try await RunWorld.with(scenario: scenario, poll: "{interval: 1h, jitter: 1s, timeout: 5s}",
                                webhook: #"{secret: "${CW_TEST_WEBHOOK_SECRET}", debounce: 200ms, min_full_poll_interval: 2s}"#) { world in
            let webhookPort = try LoopbackPort.free()
            let inbound = ["CW_TEST_WEBHOOK_PORT": "\(webhookPort)", "CW_TEST_WEBHOOK_SECRET": Self.secret]
            let worker = try world.startWorker(extraEnvironment: inbound)
            try await world.eventually("the first full poll", workers: [worker]) {
                try await world.count("SELECT count(*) FROM polls WHERE complete AND NOT targeted") == 1
            }
            // The change happens now; the next full poll is an hour away.
            #expect(await world.simulator.advance())
            let event = world.directory.appendingPathComponent("running.json")
            try Data(#"{"event": "channel_running", "data": {"id": "c1"}}"#.utf8).write(to: event)
            let environment = inbound.merging(["CW_TEST_API_KEY": RunWorld.apiKey, "CW_TEST_DATABASE": world.database.connectionString,
                                               "CW_TEST_LISTEN_PORT": "1"]) { $1 }
            let sent = ContinuousClock.now
            let answer = try await ChannelWatchBinary.run(
                ["webhooks", "send", "--config", world.configFile.path, "--partner", "reread-partner", event.path],
                environment: environment)
            #expect(answer.succeeded, "\(answer.standardOutput)\(answer.standardError)")
            try await world.eventually("the re-read's notification", timeout: .seconds(10), workers: [worker]) {
                world.deliveredEvents.flatMap(\.events).contains(EventKey(rule: "quality_low", channel: "c1", status: "firing"))
            }
            let took = ContinuousClock.now - sent
            #expect(took < .seconds(5), "received → notified took \(took)")
            #expect(try await world.count("SELECT count(*) FROM polls WHERE targeted AND complete") == 1)
            #expect(try await world.count("SELECT count(*) FROM polls WHERE NOT targeted") == 1, "no full poll was needed")
            let row = try await world.database.client.query("SELECT status, outcome FROM inbound_webhooks")
            #expect(try row.first?.decode(String.self, "status") == "processed")
            let outcomeText = try row.first?.decode(String.self, "outcome") ?? "{}"
            let outcome = try JSONSerialization.jsonObject(with: Data(outcomeText.utf8)) as? [String: Any]
            #expect(outcome?["channels"] as? [String] == ["c1"] && outcome?["targeted"] as? Bool == true, "\(outcomeText)")
            #expect(outcome?["poll_id"] as? Int != nil)
            let filtered = await world.simulator.recordedRequests().compactMap { $0.query["filters"] }
            #expect(filtered.contains { $0.contains(#""id":["c1"]"#) }, "\(filtered)")
            // c2 and c3 were not read, so they were not judged gone.
            #expect(try await world.count("SELECT count(*) FROM channel_snapshots WHERE missing_since IS NOT NULL") == 0)

            // An event naming nothing that maps: a full poll, once min_full_poll_interval has passed.
            let created = world.directory.appendingPathComponent("client.json")
            try Data(#"{"event": "client_created", "data": {"id": "client-new"}}"#.utf8).write(to: created)
            let second = try await ChannelWatchBinary.run(
                ["webhooks", "send", "--config", world.configFile.path, "--partner", "reread-partner", created.path],
                environment: environment)
            #expect(second.succeeded)
            try await world.eventually("the full poll the event asked for", timeout: .seconds(15), workers: [worker]) {
                try await world.count("SELECT count(*) FROM polls WHERE complete AND NOT targeted") == 2
            }
            #expect(worker.output.contains("targeted re-read"))
            let metrics = try #require(await worker.get("/metrics")?.body)
            #expect(metrics.contains(#"channelwatch_inbound_rereads_total{partner="reread-partner",outcome="complete"} 1"#), "\(metrics)")
            #expect(metrics.contains("channelwatch_inbound_reread_latency_seconds_count 1"), "\(metrics)")
            // Two notifications (quality_low, quality_degraded) came from that re-read.
            #expect(metrics.contains("channelwatch_inbound_to_notification_seconds_count 2"), "\(metrics)")
        }
    }

    @Test func theSimulatorsWebhookBringsTheChangeLongBeforeTheNextPoll() async throws {
        let webhookPort = try LoopbackPort.free()
        let partner = "event-partner"
        var scenario = RunWorld.smallScenario(partner: partner, steps: """
                - {name: c2 errors, changes: [{channel: c2, set: {availability_status: error}}]}
            """)
        scenario = scenario.replacingOccurrences(of: "    api_key: \(RunWorld.apiKey)\n", with: """
                api_key: \(RunWorld.apiKey)
                webhooks: {url: "http://127.0.0.1:\(webhookPort)/webhooks/360dialog/\(partner)", secret: "\(Self.secret)"}

            """)
        try await RunWorld.with(scenario: scenario, poll: "{interval: 1h, jitter: 1s, timeout: 5s}",
                                webhook: #"{secret: "${CW_TEST_WEBHOOK_SECRET}", debounce: 100ms}"#) { world in
            let worker = try world.startWorker(extraEnvironment: ["CW_TEST_WEBHOOK_PORT": "\(webhookPort)",
                                                                  "CW_TEST_WEBHOOK_SECRET": Self.secret])
            try await world.eventually("the first full poll", workers: [worker]) {
                try await world.count("SELECT count(*) FROM polls WHERE complete AND NOT targeted") == 1
            }
            let changed = ContinuousClock.now
            #expect(await world.simulator.advance())
            try await world.eventually("the availability alert, through the simulator's webhook", timeout: .seconds(10),
                                       workers: [worker]) {
                world.deliveredEvents.flatMap(\.events).contains { $0.channel == "c2" && $0.status == "firing" }
            }
            let took = ContinuousClock.now - changed
            #expect(took < .seconds(5), "change → notification took \(took); the next poll was an hour away")
            #expect(try await world.count("SELECT count(*) FROM inbound_webhooks WHERE event = 'channel_updated' AND status = 'processed'") == 1)
            #expect(try await world.count("SELECT count(*) FROM polls WHERE NOT targeted") == 1)
        }
    }

    /// Posts a signed event to a worker's listener with `webhooks send`.
    static func send(_ json: String, world: RunWorld, port: Int, partner: String) async throws -> ProcessResult {
        let file = world.directory.appendingPathComponent("event-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: file)
        return try await ChannelWatchBinary.run(
            ["webhooks", "send", "--config", world.configFile.path, "--partner", partner, file.path],
            environment: ["CW_TEST_API_KEY": RunWorld.apiKey, "CW_TEST_DATABASE": world.database.connectionString,
                          "CW_TEST_LISTEN_PORT": "1", "CW_TEST_WEBHOOK_PORT": "\(port)", "CW_TEST_WEBHOOK_SECRET": Self.secret])
    }

    @Test func twoWorkersGivenTheSameEventProcessItOnce() async throws {
        let scenario = RunWorld.smallScenario(partner: "replica-partner", steps: """
                - {name: c3 drops, changes: [{channel: c3, set: {current_quality_rating: Low}}]}
            """)
        try await RunWorld.with(scenario: scenario, poll: "{interval: 1h, jitter: 1s, timeout: 5s}",
                                webhook: #"{secret: "${CW_TEST_WEBHOOK_SECRET}", debounce: 100ms}"#) { world in
            let ports = [try LoopbackPort.free(), try LoopbackPort.free()]
            let workers = try ports.map {
                try world.startWorker(extraEnvironment: ["CW_TEST_WEBHOOK_PORT": "\($0)", "CW_TEST_WEBHOOK_SECRET": Self.secret])
            }
            try await world.eventually("a first full poll", workers: workers) {
                try await world.count("SELECT count(*) FROM polls WHERE complete AND NOT targeted") >= 1
            }
            #expect(await world.simulator.advance())
            // 360dialog's retry reaches the other replica: both are posted the same event.
            let event = #"{"id": "same-event", "event": "channel_updated", "data": {"id": "c3"}}"#
            var answers: [String] = []
            for port in ports {
                var answer: ProcessResult?
                try await world.eventually("worker on \(port) answers", workers: workers) {
                    answer = try await Self.send(event, world: world, port: port, partner: "replica-partner")
                    return answer?.succeeded == true
                }
                answers.append(answer?.standardOutput ?? "")
            }
            #expect(answers.filter { $0.contains("accepted") }.count == 1 && answers.filter { $0.contains("duplicate") }.count == 1,
                    "\(answers)")
            try await world.eventually("the notification", workers: workers) {
                world.deliveredEvents.flatMap(\.events).contains(EventKey(rule: "quality_low", channel: "c3", status: "firing"))
            }
            try await Task.sleep(for: .seconds(2))
            #expect(try await world.count("SELECT count(*) FROM polls WHERE targeted") == 1)
            #expect(world.deliveredEvents.flatMap(\.events).filter { $0.rule == "quality_low" }.count == 1)
            #expect(try await world.count("SELECT count(*) FROM inbound_webhooks WHERE status = 'processed'") == 1)
        }
    }

    @Test func anEventAcceptedByAWorkerKilledBeforeProcessingItIsProcessedAfterTheRestart() async throws {
        let scenario = RunWorld.smallScenario(partner: "crash-partner", steps: """
                - {name: c2 drops, changes: [{channel: c2, set: {current_quality_rating: Low}}]}
            """)
        try await RunWorld.with(scenario: scenario, poll: "{interval: 1h, jitter: 1s, timeout: 5s}",
                                webhook: #"{secret: "${CW_TEST_WEBHOOK_SECRET}", debounce: 5s}"#) { world in
            let port = try LoopbackPort.free()
            let environment = ["CW_TEST_WEBHOOK_PORT": "\(port)", "CW_TEST_WEBHOOK_SECRET": Self.secret]
            let first = try world.startWorker(extraEnvironment: environment)
            try await world.eventually("a first full poll", workers: [first]) {
                try await world.count("SELECT count(*) FROM polls WHERE complete AND NOT targeted") >= 1
            }
            #expect(await world.simulator.advance())
            var answer: ProcessResult?
            try await world.eventually("the listener answers", workers: [first]) {
                answer = try await Self.send(#"{"id": "before-crash", "event": "channel_updated", "data": {"id": "c2"}}"#,
                                             world: world, port: port, partner: "crash-partner")
                return answer?.succeeded == true
            }
            // Killed within its 5 s debounce: the event was acknowledged but not processed.
            await first.process.kill()
            #expect(try await world.count("SELECT count(*) FROM inbound_webhooks WHERE status = 'pending'") == 1)
            #expect(world.deliveredEvents.isEmpty)

            let second = try world.startWorker(extraEnvironment: environment)
            try await world.eventually("the notification after the restart", timeout: .seconds(30), workers: [second]) {
                world.deliveredEvents.flatMap(\.events).contains(EventKey(rule: "quality_low", channel: "c2", status: "firing"))
            }
            #expect(try await world.count("SELECT count(*) FROM inbound_webhooks WHERE status = 'processed'") == 1)
            #expect(try await world.count("SELECT count(*) FROM polls WHERE targeted AND complete") == 1, "re-read, not polled")
            #expect(try await world.count("SELECT count(*) FROM polls WHERE NOT targeted") == 1)
        }
    }
}
