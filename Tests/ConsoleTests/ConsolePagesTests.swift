import Foundation
import JSON
import Testing
@testable import Console

/// The console's pages and the JSON API over a real database filled by the real recorder.
@Suite struct ConsolePagesTests {
    /// Ten channels; c2, c4, c6, c8 go Low (critical) and c5 to availability error (warning).
    static func fill(_ world: ConsoleWorld) async throws {
        try await world.poll((1...10).map { ConsoleWorld.channel($0) })
        try await world.poll((1...10).map { number in
            ConsoleWorld.channel(number, quality: number % 2 == 0 && number < 10 ? "Low" : "High",
                                 availability: number == 5 ? "error" : "ready",
                                 name: number == 8 ? "<script>alert('x')</script> Bakery" : nil)
        })
        try await world.failedPoll()
    }

    @Test func theOverviewShowsPollsWithTheirErrorAndTheChannelsByState() async throws {
        try await ConsoleWorld.with { world in
            try await Self.fill(world)
            let page = await world.request("/")
            #expect(page.status == 200)
            #expect(page.header("Content-Type") == "text/html; charset=utf-8")
            let html = page.text
            #expect(html.contains("Partner p1") && html.contains("10 channels"))
            #expect(html.contains("HTTP 500") && html.contains("trace-abc-123"), "the failed poll, with its trace id")
            #expect(html.contains(#"<span class="badge critical">1 failed poll</span>"#))
            #expect(html.contains("<caption>Quality rating</caption>"))
            #expect(html.contains(#"<td class="value">Low</td><td class="num">4</td>"#), "four channels Low")
            #expect(html.contains(#"<td class="value">error</td><td class="num">1</td>"#))
            #expect(html.contains(#"href="/alerts?partner=p1&amp;severity=critical">4 critical</a>"#))

            let api = await world.request("/api/v1/partners").json
            let partner = try #require(api["partners"]?.arrayValue?.first)
            #expect(partner["partner_id"]?.stringValue == "p1" && partner["channels"] == .number(10))
            #expect(partner["channels_by_state"]?["current_quality_rating"]?.arrayValue?.first?["value"]?.stringValue == "High")
            #expect(partner["polls"]?.arrayValue?.first?["trace_id"]?.stringValue == "trace-abc-123")
            #expect(api["summary"]?["firing"] == .number(5))
        }
    }

    @Test func alertsAreFilteredSearchedAndPagedWithoutGapsOrRepeats() async throws {
        try await ConsoleWorld.with { world in
            try await Self.fill(world)
            func alertChannels(_ query: String) async -> [String] {
                let answer = await world.request("/api/v1/alerts?\(query)")
                #expect(answer.status == 200, "\(query): \(answer.text)")
                return answer.json["alerts"]?.arrayValue?.compactMap { $0["channel_id"]?.stringValue }.sorted() ?? []
            }
            #expect(await alertChannels("") == ["c2", "c4", "c5", "c6", "c8"])
            #expect(await alertChannels("severity=warning") == ["c5"])
            #expect(await alertChannels("rule=quality_low&waba=waba-0") == ["c6"])
            #expect(await alertChannels("client=client-1") == ["c5"])
            #expect(await alertChannels("search=1004") == ["c4"], "digits of +49 30 1004")
            #expect(await alertChannels("search=%2B49%2030%201006") == ["c6"], "a number as written")
            #expect(await alertChannels("search=BAKERY") == ["c8"], "a name, any case")
            #expect(await alertChannels("status=resolved").isEmpty)

            var seen: [String] = []
            var cursor: String?
            repeat {
                let answer = await world.request("/api/v1/alerts?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                seen += answer.json["alerts"]?.arrayValue?.compactMap { $0["channel_id"]?.stringValue } ?? []
                cursor = answer.json["next_cursor"]?.stringValue
            } while cursor != nil && seen.count < 20
            #expect(seen.sorted() == ["c2", "c4", "c5", "c6", "c8"], "every alert once across the pages: \(seen)")

            let html = await world.request("/alerts?severity=critical&search=Shop").text
            #expect(html.contains("3 alerts firing match"), "c2, c4, c6 are 'Shop'; c8 is a bakery")
            #expect(html.contains("&lt;script&gt;") == false && !html.contains("<script>"), "c8 is filtered out here")
            let page = await world.request("/alerts?limit=2")
            #expect(page.text.contains(#"rel="next">Older →</a>"#))
            #expect(page.text.contains("<script>") == false)
            let bakery = await world.request("/alerts?search=bakery").text
            #expect(bakery.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Bakery"), "text from the API is escaped")
        }
    }

    @Test func badQueriesAreNamedAndQueryNothing() async throws {
        try await ConsoleWorld.with { world in
            let bad = await world.request("/api/v1/alerts?severity=urgent&limit=5000&colour=red&cursor=nope")
            #expect(bad.status == 400)
            let problems = bad.json["problems"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(problems.count == 4, "\(problems)")
            #expect(bad.json["message"]?.stringValue?.hasPrefix("invalid query: unknown parameter 'colour'") == true)
            #expect(await world.request("/alerts?severity=urgent").status == 400)
            #expect(await world.request("/alerts?severity=urgent").text.contains("severity must be critical, warning or info"))
            #expect(await world.request("/api/v1/partners?x=1").status == 400)
            #expect(await world.request("/api/v1/nothing").status == 404)
            #expect(await world.request("/api/v1/nothing").json["message"]?.stringValue?.contains("/api/v1/") == true)
            #expect(await world.request("/nothing").status == 404)
            #expect(await world.request("DELETE", "/api/v1/alerts").status == 405)
            #expect(await world.request("DELETE", "/api/v1/alerts").header("Allow") == "GET")
            #expect(await world.request("/api/v1/alerts/\(UUID())").status == 404)
        }
    }

    @Test func anAlertPageTellsItsStory() async throws {
        try await ConsoleWorld.with { world in
            try await Self.fill(world)
            try await world.poll((1...10).map { ConsoleWorld.channel($0) })
            let resolved = try #require(await world.request("/api/v1/alerts?status=resolved&search=1004").json["alerts"]?.arrayValue?.first)
            let id = try #require(resolved["id"]?.stringValue)
            let story = await world.request("/api/v1/alerts/\(id)").json
            #expect(story["events"]?.arrayValue?.map { $0["status"]?.stringValue } == ["resolved", "firing"])
            #expect(story["current"]?["current_quality_rating"]?.stringValue == "High")
            #expect(story["deliveries"]?.arrayValue?.count == 2, "the firing's and the resolve's")
            let html = await world.request("/alerts/\(id.lowercased())").text
            #expect(html.contains("<h1>quality_low on +49 30 1004</h1>"))
            #expect(html.contains("Times it fired") && html.contains(#"<span class="badge resolved">resolved</span>"#))
            #expect(!html.contains("Create silence"), "a resolved alert offers no silence")
        }
    }

    @Test func everyAnswerCarriesTheSecurityHeaders() async throws {
        try await ConsoleWorld.with { world in
            for target in ["/", "/alerts", "/api/v1/alerts", "/nothing", "/static/console.css", "/api/v1/alerts?limit=x"] {
                let answer = await world.request(target)
                #expect(answer.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true, "\(target)")
                #expect(answer.header("Content-Security-Policy")?.contains("default-src 'none'") == true, "\(target)")
                #expect(answer.header("X-Frame-Options") == "DENY", "\(target)")
                #expect(answer.header("X-Content-Type-Options") == "nosniff", "\(target)")
                #expect(answer.headers.contains { $0.name == "Server-Timing" && $0.value.hasPrefix("app;dur=") }, "\(target)")
            }
            let page = await world.request("/")
            #expect(page.header("Set-Cookie")?.contains("SameSite=Strict; HttpOnly") == true)
            #expect(await world.request("/api/v1/alerts").header("Set-Cookie") == nil, "the API sets no cookie")
        }
    }
}
