import Foundation
import Testing
import TestSupport

/// The console in a real headless Chromium, served by a real `channelwatch run` over the
/// simulator and a webhook sink: the pages render with the expected rows, the filters narrow
/// them, a silence made through the form mutes the next notification, and a dead delivery
/// retried from its page is delivered. Screenshots of the main pages are saved on the way
/// (`$CHANNELWATCH_SCREENSHOTS`, default `.build/screenshots`; docs/screenshots holds copies).
@Suite(.serialized) struct ConsoleBrowserTests {
    static let secret = "console-webhook-secret-77"

    /// Six shops of three clients on three WABAs; the timeline takes c1 and c2 Low and c3's
    /// availability to error, then c4 and c5 Low.
    static let scenario = """
        partners:
          - id: console-partner
            api_key: \(RunWorld.apiKey)
            channels:
        \((1...6).map { number in
            """
                  - {id: c\(number), status: ready, current_quality_rating: High, availability_status: ready, current_limit: TIER_1K,
                     client_id: client-\(number % 3), client: {id: client-\(number % 3), name: "Client \(["Alpha", "Beta", "Gamma"][number % 3])"},
                     setup_info: {phone_number: "+49300000\(number)", phone_name: "Shop \(number)"},
                     waba_account: {id: "10400000\(number % 3)", status: approved, name: "WABA \(number % 3)"}}
            """
        }.joined(separator: "\n"))
        timeline:
          advance: manual
          steps:
            - {name: first drops, changes: [{channel: c1, set: {current_quality_rating: Low}}, {channel: c2, set: {current_quality_rating: Low}},
                                           {channel: c3, set: {availability_status: error}}]}
            - {name: more drops, changes: [{channel: c4, set: {current_quality_rating: Low}}, {channel: c5, set: {current_quality_rating: Low}}]}
        """

    @Test func theConsoleRendersFiltersSilencesAndRetriesInABrowser() async throws {
        // The sink refuses the first notification for good (400: dead at once), then accepts.
        try await RunWorld.with(scenario: Self.scenario, firstRequests: [.respond(.text("invalid_payload", status: 400))],
                                webhook: #"{secret: "\#(Self.secret)"}"#) { world in
            let webhookPort = try LoopbackPort.free()
            let worker = try world.startWorker(extraEnvironment: ["CW_TEST_WEBHOOK_PORT": "\(webhookPort)"])
            try await world.eventually("the first poll", workers: [worker]) {
                try await world.count("SELECT count(*) FROM polls WHERE complete") >= 1
            }
            #expect(await world.simulator.advance())
            try await world.eventually("one dead and one delivered notification", workers: [worker]) {
                try await world.count("SELECT count(*) FROM deliveries WHERE status = 'dead'") == 1
                    && world.sink.requests.count >= 2
            }
            try await Self.sendWebhook(world, port: webhookPort)

            let browser = try await WebBrowser.start()
            do {
                try await Self.walkThrough(world, worker: worker, browser: browser)
            } catch {
                // What the browser showed when it went wrong, for whoever reads the failure.
                let shown = try? await browser.saveScreenshot("failure")
                Issue.record("the walk-through stopped at \(try await browser.currentURL()); screenshot: \(shown ?? "none")")
                await browser.quit()
                throw error
            }
            await browser.quit()

            // The CLI's listings run the same queries, with the same filters.
            let port = ["CW_TEST_WEBHOOK_PORT": "\(webhookPort)"]
            let searched = try await world.command(["alerts", "--search", "Shop 2", "--json"], extraEnvironment: port)
            #expect(searched.succeeded, "\(searched.standardError)")
            let rows = (try? JSONSerialization.jsonObject(with: Data(searched.standardOutput.utf8))) as? [[String: Any]] ?? []
            #expect(rows.compactMap { $0["channel_id"] as? String } == ["c2"], "\(searched.standardOutput)")
            let byClient = try await world.command(["events", "--client", "client-0", "--status", "firing"], extraEnvironment: port)
            #expect(byClient.standardOutput.contains("availability_error") && !byClient.standardOutput.contains("+493000001 "),
                    "\(byClient.standardOutput)")
            let bad = try await world.command(["alerts", "--severity", "urgent"], extraEnvironment: port)
            #expect(bad.exitCode != 0 && bad.standardError.contains("urgent"), "\(bad.standardError)")
        }
    }

    static func walkThrough(_ world: RunWorld, worker: RunningWorker, browser: WebBrowser) async throws {
        let console = "http://127.0.0.1:\(worker.port)"

        // The overview: the partner, its channels by state, its polls.
        try await browser.open(console + "/")
        #expect(try await browser.title() == "Portfolio · ChannelWatch")
        let overview = try await browser.text()
        #expect(overview.contains("Partner console-partner"), "\(overview.prefix(800))")
        #expect(overview.contains("6 channels"))
        #expect(overview.contains("1\ndead deliveries") || overview.contains("1 dead deliveries"), "\(overview.prefix(600))")
        #expect(try await browser.texts(".states caption") == ["Quality rating", "Messaging limit", "Availability", "Channel status", "WABA status"])
        try await browser.saveScreenshot("overview")

        // Alerts: three firing; the filters narrow them.
        try await browser.open(console + "/alerts")
        #expect(try await browser.count("tbody tr") == 3)
        try await browser.select("availability_error", in: "rule")
        try await browser.follow("form.filters button[type=submit]")
        #expect(try await browser.currentURL().contains("rule=availability_error"))
        #expect(try await browser.count("tbody tr") == 1)
        #expect(try await browser.text("tbody tr").contains("availability_error"))
        try await browser.open(console + "/alerts")
        try await browser.type("Shop 2", into: "input[name=search]")
        try await browser.follow("form.filters button[type=submit]")
        let searched = try await browser.texts("tbody tr")
        #expect(searched.count == 1 && searched[0].contains("+493000002"), "\(searched)")
        try await browser.open(console + "/alerts")
        try await browser.saveScreenshot("alerts")

        // An alert's page, then its one-click silence (c3's availability error).
        try await browser.follow("tbody tr:nth-child(1) td:nth-child(3) a")
        #expect(try await browser.text("h1").contains(" on +49300000"))
        #expect(try await browser.text("nav").contains("Alerts 3"), "the counts beside the navigation, on every page")
        try await browser.saveScreenshot("alert")
        try await browser.open(console + "/alerts?rule=availability_error")
        try await browser.follow("tbody tr form button")
        #expect(try await browser.text(".notice").contains("Silence created"))
        #expect(try await world.count("SELECT count(*) FROM silences WHERE matchers::text LIKE '%c3%' AND matchers::text LIKE '%availability_error%'") == 1)

        // A silence made through the form mutes the next notification: c4 is silenced, c5 is not.
        try await browser.open(console + "/silences")
        try await browser.type("channel_id=c4", into: "form.stack input[name=match]")
        try await browser.type("2h", into: "input[name=duration]")
        try await browser.type("client migrating its numbers", into: "input[name=comment]")
        try await browser.type("ana", into: "input[name=created_by]")
        try await browser.follow("form.stack button[type=submit]")
        #expect(try await browser.text(".notice").contains("Silence created"))
        #expect(try await browser.text("table").contains("channel_id=c4"))
        try await browser.saveScreenshot("silences")
        #expect(await world.simulator.advance())
        let c5 = EventKey(rule: "quality_low", channel: "c5", status: "firing")
        try await world.eventually("c5's notification", workers: [worker]) { world.deliveredEvents.flatMap(\.events).contains(c5) }
        let polls = try await world.count("SELECT count(*) FROM polls WHERE complete")
        try await world.eventually("two more polls", workers: [worker]) {
            try await world.count("SELECT count(*) FROM polls WHERE complete") >= polls + 2
        }
        #expect(!world.deliveredEvents.flatMap(\.events).contains { $0.channel == "c4" }, "c4 is silenced")
        #expect(try await world.count("SELECT count(*) FROM events WHERE channel_id = 'c4' AND rule = 'quality_low' AND silenced_by IS NOT NULL") == 1)
        try await browser.open(console + "/events")
        #expect(try await browser.text("tbody").contains("silenced"))
        try await browser.saveScreenshot("events")

        // The dead delivery, retried from its page, is delivered with its delivery id.
        try await browser.open(console + "/deliveries?status=dead")
        let dead = try await browser.texts("tbody tr")
        #expect(dead.count == 1 && dead[0].contains("HTTP 400"), "\(dead)")
        try await browser.saveScreenshot("deliveries")
        let deadID = try await world.database.client.query("SELECT id::text FROM deliveries WHERE status = 'dead'")[0]
            .decode(String.self, at: 0)
        try await browser.follow("tbody tr form button")
        #expect(try await browser.text(".notice").contains("queued again"))
        try await world.eventually("the retried delivery", workers: [worker]) {
            let deadLeft = try await world.count("SELECT count(*) FROM deliveries WHERE status = 'dead'")
            return deadLeft == 0 && world.sink.requests.contains { $0.header("X-ChannelWatch-Delivery")?.lowercased() == deadID }
        }

        // The inbound webhook, and the overview on a phone.
        try await browser.open(console + "/webhooks")
        #expect(try await browser.text("tbody").contains("account_violation"))
        try await browser.saveScreenshot("webhooks")
        try await browser.resize(width: 390, height: 844)
        try await browser.open(console + "/")
        try await browser.saveScreenshot("overview-phone")
    }

    /// Posts a signed partner webhook through `channelwatch webhooks send`.
    static func sendWebhook(_ world: RunWorld, port: Int) async throws {
        let event = world.directory.appendingPathComponent("violation.json")
        try Data(#"{"id": "evt-console-1", "event": "account_violation", "data": {"waba_id": "104000001"}}"#.utf8).write(to: event)
        let environment = ["CW_TEST_API_KEY": RunWorld.apiKey, "CW_TEST_DATABASE": world.database.connectionString,
                           "CW_TEST_LISTEN_PORT": "1", "CW_TEST_WEBHOOK_PORT": "\(port)"]
        var sent: ProcessResult?
        for _ in 0..<50 where sent?.succeeded != true {
            sent = try await ChannelWatchBinary.run(["webhooks", "send", "--config", world.configFile.path, "--partner",
                                                     "console-partner", event.path], environment: environment)
            if sent?.succeeded != true { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(sent?.succeeded == true, "\(sent?.standardOutput ?? "") \(sent?.standardError ?? "")")
    }
}
