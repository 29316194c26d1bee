import Foundation
import Inspection
import Testing
@testable import Console

/// The pure pieces: which route a method and path ask for, query strings and forms, cursors.
@Suite struct ConsoleRoutingTests {
    static let id = UUID(uuidString: "0f3c7a36-5d5a-4f0e-9b1e-4d3f2a1b0c9d")!

    @Test(arguments: [
        ("GET", "/", ConsoleRoute.overview),
        ("HEAD", "/", .overview),
        ("GET", "/alerts", .alerts),
        ("GET", "/alerts/0f3c7a36-5d5a-4f0e-9b1e-4d3f2a1b0c9d", .alert(id)),
        ("GET", "/alerts/not-a-uuid", .notFound),
        ("GET", "/events", .events),
        ("GET", "/deliveries", .deliveries),
        ("POST", "/deliveries/0f3c7a36-5d5a-4f0e-9b1e-4d3f2a1b0c9d/retry", .retryDeliveryForm(id)),
        ("GET", "/deliveries/0f3c7a36-5d5a-4f0e-9b1e-4d3f2a1b0c9d/retry", .methodNotAllowed(["POST"])),
        ("POST", "/deliveries/retry-dead", .retryDeadForm),
        ("GET", "/silences", .silences),
        ("POST", "/silences", .createSilenceForm),
        ("DELETE", "/silences", .methodNotAllowed(["GET", "POST"])),
        ("POST", "/silences/abc/expire", .expireSilenceForm("abc")),
        ("GET", "/webhooks", .webhooks),
        ("GET", "/static/console.css", .stylesheet),
        ("GET", "/static/other.css", .notFound),
        ("GET", "/api/v1/partners", .api(.partners)),
        ("POST", "/api/v1/partners", .methodNotAllowed(["GET"])),
        ("GET", "/api/v1/alerts", .api(.alerts)),
        ("GET", "/api/v1/alerts/x", .api(.alert("x"))),
        ("GET", "/api/v1/events", .api(.events)),
        ("GET", "/api/v1/deliveries", .api(.deliveries)),
        ("POST", "/api/v1/deliveries/x/retry", .api(.retryDelivery("x"))),
        ("GET", "/api/v1/webhooks", .api(.webhooks)),
        ("GET", "/api/v1/silences", .api(.silences)),
        ("POST", "/api/v1/silences", .api(.createSilence)),
        ("DELETE", "/api/v1/silences/x", .api(.expireSilence("x"))),
        ("GET", "/api/v2/alerts", .notFound),
        ("GET", "/nothing/here", .notFound),
    ] as [(String, String, ConsoleRoute)])
    func routes(method: String, path: String, expected: ConsoleRoute) {
        let request = ConsoleRequest(method: method, path: path, fromLoopback: true)
        #expect(ConsoleRoute(method: request.method, segments: request.segments) == expected)
    }

    @Test func formFieldsDecodePlusAndPercentAndKeepRepeats() {
        let fields = FormFields(parsing: "match=channel_id%3Dc1&match=rule%3D~quality_.*&comment=client+migrating+%E2%9C%93&empty&x=")
        #expect(fields.all("match") == ["channel_id=c1", "rule=~quality_.*"])
        #expect(fields["comment"] == "client migrating ✓")
        #expect(fields["empty"] == "" && fields.nonEmpty("empty") == nil && fields.nonEmpty("x") == nil)
        #expect(FormFields(parsing: fields.encoded) == fields, "encoding round-trips")
        #expect(fields.setting("comment", to: nil)["comment"] == nil)
    }

    @Test func cursorsRoundTripAndStrangersAreRefused() throws {
        let cursor = PageCursor(microseconds: 1_765_000_000_123_456, key: "0f3c7a36-5d5a-4f0e-9b1e-4d3f2a1b0c9d")
        #expect(PageCursor(parsing: cursor.description) == cursor)
        #expect(cursor.description.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }, "URL-safe")
        for bad in ["", "not base64!", "bm90aGluZw", "MTIz", String(repeating: "A", count: 300)] {
            #expect(PageCursor(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func aListingQueryNamesEveryProblem() throws {
        let query = FormFields(parsing: "severity=urgent&limit=0&since=yesterday&cursor=zz&colour=red&status=open")
        let error = try #require(ListingQuery.filter(query, allowed: ["severity", "status"], statuses: ["firing", "all"],
                                                     defaultLimit: 50).failure)
        #expect(error.problems.count == 6, "\(error.problems)")
        #expect(error.message.contains("unknown parameter 'colour'"))
        #expect(error.message.contains("severity must be critical, warning or info, not 'urgent'"))
        #expect(error.message.contains("limit must be a whole number from 1 to 1000, not '0'"))
        #expect(error.message.contains("status must be one of firing, all, not 'open'"))
        let good = try ListingQuery.filter(FormFields(parsing: "severity=critical&limit=5&since=24h&status=all"),
                                           allowed: ["severity", "status"], statuses: ["firing", "all"], defaultLimit: 50).get()
        #expect(good.severity == "critical" && good.limit == 5 && good.status == nil && good.since != nil)
    }

    @Test func formsSendTheBrowserBackOnlyWithinTheConsole() {
        #expect(ConsoleApp.backLocation(FormFields([("back", "/alerts?severity=critical")]), fallback: "/") == "/alerts?severity=critical")
        for outside in ["https://evil.example/", "//evil.example/", "/\\evil", "alerts", "/a\nLocation: x"] {
            #expect(ConsoleApp.backLocation(FormFields([("back", outside)]), fallback: "/silences") == "/silences", "\(outside)")
        }
        #expect(ConsoleApp.with(.silenceCreated, "/alerts?severity=critical") == "/alerts?severity=critical&notice=silence-created")
    }

    @Test func everyTemplateParsesAndEscapesWhatItShows() {
        let page = ConsoleView.render("message", ["title": "t", "heading": "<b>h</b>", "text": "\"quoted\" & <script>"])
        #expect(page.contains("&lt;b&gt;h&lt;/b&gt;") && page.contains("&quot;quoted&quot; &amp; &lt;script&gt;"))
        for name in ConsoleTemplates.all.keys {
            #expect(ConsoleView.library.getTemplate(named: name) != nil, "\(name)")
        }
    }

    @Test func timesReadForPeople() {
        let now = Date(timeIntervalSince1970: 1_765_000_000)
        #expect(ConsoleView.ago(now, now: now) == "just now")
        #expect(ConsoleView.ago(now - 40, now: now) == "40 s ago")
        #expect(ConsoleView.ago(now - 600, now: now) == "10 min ago")
        #expect(ConsoleView.ago(now + 7_200, now: now) == "in 2 h")
        #expect(ConsoleView.ago(now - 3 * 86_400, now: now) == "3 d ago")
        #expect(ConsoleView.time(Date(timeIntervalSince1970: 0)) == "1970-01-01 00:00:00")
        #expect(ConsoleView.duration(seconds: 0.0345) == "35 ms" && ConsoleView.duration(seconds: 12.34) == "12.3 s")
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
