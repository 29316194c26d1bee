import Alerting
import Config
import Foundation
import JSON
import Notifiers
import TestSupport
import Testing

/// PagerDuty, Microsoft Teams, Telegram and Alertmanager receivers against loopback sinks that
/// answer as the services document: success and failure bodies, rate limits, secrets kept out.
@Suite struct NewReceiversTests {
    static let routingKey = "R0UT1NGKEYsecret0123456789abcdef"
    static let botToken = "123456789:AAHsecretBotTokenPart0123456789abcd"

    static func json(_ request: RecordedHTTPRequest) throws -> JSONValue { try JSONParser.parse(request.body) }

    // MARK: PagerDuty

    func pagerDuty(_ sink: HTTPSink, console: String? = "https://cw.example.com") -> PagerDutyReceiver {
        PagerDutyReceiver(name: "pager", settings: PagerDutySettings(
            routingKey: Secret(Self.routingKey), url: sink.url("/v2/enqueue"), consoleURL: console), timeout: .seconds(5))
    }

    static let accepted = HTTPSinkAction.respond(.json(#"{"status":"success","message":"Event processed","dedup_key":"k"}"#, status: 202))

    @Test func pagerDutyTriggerAndResolveShareTheDedupKey() async throws {
        let sink = try HTTPSink(actions: [], otherwise: { _ in Self.accepted })
        let firing = Fixtures.event(1)
        var resolved = Fixtures.event(1, status: .resolved)
        resolved.channel = firing.channel
        #expect(await pagerDuty(sink).deliver(Fixtures.payload([firing]), kind: .notification) == .delivered)
        #expect(await pagerDuty(sink).deliver(Fixtures.payload([resolved]), kind: .notification) == .delivered)
        let bodies = try sink.requests.map(Self.json)
        #expect(bodies.map { $0["event_action"]?.stringValue } == ["trigger", "resolve"])
        #expect(bodies[0]["dedup_key"] == bodies[1]["dedup_key"])
        #expect(bodies[0]["dedup_key"]?.stringValue == "channelwatch/partner-1/ch-1/quality_low")
        #expect(bodies[0]["routing_key"]?.stringValue == Self.routingKey)
        let payload = try #require(bodies[0]["payload"])
        #expect(payload["severity"]?.stringValue == "critical")
        #expect(payload["source"]?.stringValue == "+49 30 1234 1")
        #expect(payload["custom_details"]?["client"]?.stringValue == "Acme GmbH (id client-7)")
        #expect(bodies[0]["links"]?.arrayValue?.first?["href"]?.stringValue == "https://cw.example.com/alerts?channel=ch-1")
    }

    @Test func pagerDutySendsOneEventPerAlertAndAChangeGetsItsOwnKey() async throws {
        let sink = try HTTPSink(actions: [], otherwise: { _ in Self.accepted })
        var change = Fixtures.event(3, summary: String(repeating: "x", count: 2000))
        change.status = .changed
        let outcome = await pagerDuty(sink, console: nil).deliver(
            NotificationPayload(deliveryID: UUID(), groupKey: "rule=quality_low", receiver: "pager",
                                events: [Fixtures.event(1), Fixtures.event(2), change], truncatedEvents: 5), kind: .notification)
        #expect(outcome == .delivered)
        let bodies = try sink.requests.map(Self.json)
        #expect(bodies.count == 4, "three alerts and one for the five more")
        let keys = bodies.compactMap { $0["dedup_key"]?.stringValue }
        #expect(Set(keys).count == 4)
        #expect(keys[2].hasPrefix("channelwatch/partner-1/ch-3/quality_low/") && keys[2] != "channelwatch/partner-1/ch-3/quality_low")
        #expect(bodies[2]["payload"]?["summary"]?.stringValue?.count == PagerDutyEvent.summaryLimit)
        #expect(bodies[3]["payload"]?["summary"]?.stringValue?.contains("5 more") == true)
        #expect(bodies[0]["links"] == nil)
    }

    @Test func pagerDutyRetriesRateLimitsAndServerErrorsAndNamesWhatIsInvalid() async throws {
        let sink = try HTTPSink(actions: [
            .respond(.tooManyRequests(retryAfter: "3", body: #"{"status":"throttle event","message":"Requests for this service are arriving too quickly."}"#)),
            .respond(.json(#"{"status":"error"}"#, status: 502)),
            .respond(.json(#"{"status":"invalid event","message":"Event object is invalid","errors":["'routing_key' is invalid"]}"#, status: 400)),
        ])
        guard case .retry(let after, _) = await pagerDuty(sink).deliver(Fixtures.payload(), kind: .notification) else {
            Issue.record("429 must be retried"); return
        }
        #expect(after == .seconds(3))
        guard case .retry = await pagerDuty(sink).deliver(Fixtures.payload(), kind: .notification) else {
            Issue.record("502 must be retried"); return
        }
        let dead = await pagerDuty(sink).deliver(Fixtures.payload(), kind: .notification)
        guard case .dead(let reason) = dead else { Issue.record("400 is dead"); return }
        #expect(reason.contains("PagerDuty said: Event object is invalid; 'routing_key' is invalid"), "\(reason)")
        #expect(!reason.contains(Self.routingKey))
    }

    @Test func pagerDutyStopsAtTheFirstRefusalSoARetrySendsTheRestToo() async throws {
        let sink = try HTTPSink(actions: [Self.accepted, .respond(.json("{}", status: 500))], otherwise: { _ in Self.accepted })
        let outcome = await pagerDuty(sink).deliver(Fixtures.payload(events: 3), kind: .notification)
        guard case .retry = outcome else { Issue.record("expected retry, got \(outcome)"); return }
        #expect(sink.requests.count == 2, "the third event waits for the retry")
    }

    // MARK: Microsoft Teams

    func teams(_ sink: HTTPSink) -> TeamsReceiver {
        TeamsReceiver(name: "teams", url: Secret(sink.url("/webhookb2/SECRETTEAMSPATH/IncomingWebhook/abc/def")), timeout: .seconds(5))
    }

    @Test func teamsAcceptsTheLegacyOneAndTheWorkflowsEmpty202() async throws {
        let sink = try HTTPSink(actions: [.respond(.text("1")), .respond(HTTPSinkResponse(status: 202))])
        #expect(await teams(sink).deliver(Fixtures.payload(events: 2), kind: .notification) == .delivered)
        #expect(await teams(sink).deliver(Fixtures.payload(), kind: .notification) == .delivered)
        let card = try #require(try Self.json(sink.requests[0])["attachments"]?.arrayValue?.first?["content"])
        #expect(card["type"]?.stringValue == "AdaptiveCard")
        let texts = card["body"]?.arrayValue?.compactMap { $0["text"]?.stringValue } ?? []
        #expect(texts.first == "[CRITICAL] 2 events: quality_low")
        #expect(card["body"]?.arrayValue?.filter { $0["type"]?.stringValue == "FactSet" }.count == 2)
    }

    @Test func aTeamsCardWithTwoHundredEventsStaysUnderTheLimit() async throws {
        let message = try TeamsMessage(Fixtures.payload(events: 100, truncated: 100), kind: .notification)
        #expect(message.body.count <= TeamsMessage.byteLimit)
        #expect(message.listedEvents > 10 && message.listedEvents <= 100)
        let text = String(decoding: message.body, as: UTF8.self)
        #expect(text.contains("…and \(200 - message.listedEvents) more"))
    }

    @Test func teamsRetriesRateLimitsAndRefusesOtherErrors() async throws {
        let sink = try HTTPSink(actions: [
            .respond(.tooManyRequests(retryAfter: "4")),
            .respond(.text("Microsoft Teams endpoint returned HTTP error 429 with ContextId ...")),
            .respond(.text("Webhook Bad Request - Null or empty event", status: 400)),
        ])
        guard case .retry(let after, _) = await teams(sink).deliver(Fixtures.payload(), kind: .notification) else {
            Issue.record("429 must be retried"); return
        }
        #expect(after == .seconds(4))
        guard case .retry = await teams(sink).deliver(Fixtures.payload(), kind: .notification) else {
            Issue.record("a legacy 200 that reports a 429 must be retried"); return
        }
        let dead = await teams(sink).deliver(Fixtures.payload(), kind: .notification)
        guard case .dead(let reason) = dead else { Issue.record("400 is dead"); return }
        #expect(!reason.contains("SECRETTEAMSPATH"), "\(reason)")
    }

    // MARK: Telegram

    func telegram(_ sink: HTTPSink) -> TelegramReceiver {
        TelegramReceiver(name: "tg", settings: TelegramSettings(botToken: Secret(Self.botToken), chatID: "-1001234567890",
                                                                url: sink.baseURL), timeout: .seconds(5))
    }

    @Test func telegramSendsEscapedHTMLToTheBotPath() async throws {
        let sink = try HTTPSink(actions: [.respond(.json(#"{"ok":true,"result":{"message_id":7}}"#))])
        let event = Fixtures.event(1, phoneName: "Tom & Jerry <Shop>")
        #expect(await telegram(sink).deliver(Fixtures.payload([event]), kind: .notification) == .delivered)
        let request = try #require(sink.requests.first)
        #expect(request.path == "/bot\(Self.botToken)/sendMessage")
        let body = try Self.json(request)
        #expect(body["chat_id"]?.stringValue == "-1001234567890")
        #expect(body["parse_mode"]?.stringValue == "HTML")
        let text = try #require(body["text"]?.stringValue)
        #expect(text.hasPrefix("<b>[CRITICAL] firing quality_low</b>"))
        #expect(text.contains("Tom &amp; Jerry &lt;Shop&gt;"))
    }

    @Test func telegramHonoursRetryAfterAndNamesWhyItRefused() async throws {
        let sink = try HTTPSink(actions: [
            .respond(.json(#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 17","parameters":{"retry_after":17}}"#, status: 429)),
            .respond(.json(#"{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}"#, status: 403)),
            .respond(.json(#"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#, status: 400)),
            .respond(.json(#"{"ok":false}"#)),
        ])
        guard case .retry(let after, _) = await telegram(sink).deliver(Fixtures.payload(), kind: .notification) else {
            Issue.record("429 must be retried"); return
        }
        #expect(after == .seconds(17))
        let blocked = await telegram(sink).deliver(Fixtures.payload(), kind: .notification)
        #expect(blocked.reason?.contains("bot was blocked by the user") == true, "\(blocked)")
        let notFound = await telegram(sink).deliver(Fixtures.payload(), kind: .notification)
        #expect(notFound.reason?.contains("check chat_id") == true, "\(notFound)")
        let notOK = await telegram(sink).deliver(Fixtures.payload(), kind: .notification)
        guard case .dead = notOK else { Issue.record("a 200 without ok: true is not delivered"); return }
        for outcome in [blocked, notFound, notOK] {
            #expect(!(outcome.reason ?? "").contains("AAHsecretBotTokenPart"), "\(outcome)")
        }
    }

    @Test func aLongTelegramMessageStopsWithAndNMore() {
        let message = TelegramMessage(Fixtures.payload(events: 100, truncated: 50), kind: .notification)
        #expect(message.text.count <= TelegramMessage.characterLimit)
        #expect(message.listedEvents < 100)
        #expect(message.text.hasSuffix("…and \(150 - message.listedEvents) more (channelwatch events lists them all)"))
        let long = TelegramMessage(Fixtures.payload([Fixtures.event(1, summary: String(repeating: "a&b ", count: 3000))]),
                                   kind: .notification)
        #expect(long.text.count <= TelegramMessage.characterLimit && long.listedEvents == 1)
    }

    // MARK: Alertmanager

    @Test func alertmanagerGetsOneAlertPerEventWithLabelsAndTimes() async throws {
        let sink = try HTTPSink(actions: [.respond(.text("", status: 200))])
        let receiver = AlertmanagerReceiver(name: "am", settings: AlertmanagerSettings(
            url: sink.baseURL, basicAuth: ("cw", Secret("AMPASSWORDsecret")), consoleURL: "https://cw.example.com/"),
            timeout: .seconds(5), now: { Date(timeIntervalSince1970: 1795687200) })  // 2026-11-26T10:00:00Z, two days after the start
        var change = Fixtures.event(2)
        change.status = .changed
        let resolved = Fixtures.event(3, status: .resolved)
        #expect(await receiver.deliver(Fixtures.payload([Fixtures.event(1), change, resolved]), kind: .notification) == .delivered)
        let request = try #require(sink.requests.first)
        #expect(request.path == "/api/v2/alerts")
        #expect(request.header("Authorization") == "Basic " + Data("cw:AMPASSWORDsecret".utf8).base64EncodedString())
        let alerts = try #require(try Self.json(request).arrayValue)
        #expect(alerts.count == 3)
        #expect(alerts[0]["labels"]?["alertname"]?.stringValue == "quality_low")
        #expect(alerts[0]["labels"]?["severity"]?.stringValue == "critical")
        #expect(alerts[0]["annotations"]?["summary"]?.stringValue == "Quality rating of +49 30 1234 1 dropped to Low")
        #expect(alerts[0]["startsAt"]?.stringValue == "2026-11-24T10:00:00Z")
        #expect(alerts[0]["endsAt"]?.stringValue == "2026-12-03T10:00:00Z", "held open a week after it was sent")
        #expect(alerts[1]["endsAt"]?.stringValue == "2026-11-24T11:00:00Z", "a change ends an hour later")
        #expect(alerts[2]["endsAt"]?.stringValue == "2026-11-24T10:00:00Z", "a resolve ends it")
        #expect(alerts[0]["generatorURL"]?.stringValue == "https://cw.example.com/alerts?channel=ch-1")
    }

    @Test func alertmanagerRetriesServerErrorsAndRefusesBadRequests() async throws {
        let sink = try HTTPSink(actions: [.respond(.text("unavailable", status: 503)),
                                          .respond(.json(#"{"code":400,"message":"start time must be before end time"}"#, status: 400))])
        let receiver = AlertmanagerReceiver(name: "am", settings: AlertmanagerSettings(url: sink.baseURL, bearerToken: Secret("BEARERsecret1")),
                                            timeout: .seconds(5))
        guard case .retry = await receiver.deliver(Fixtures.payload(), kind: .notification) else { Issue.record("503 retried"); return }
        let dead = await receiver.deliver(Fixtures.payload(), kind: .notification)
        #expect(dead.reason?.contains("start time must be before end time") == true, "\(dead)")
        #expect(sink.requests.first?.header("Authorization") == "Bearer BEARERsecret1")
    }
}
