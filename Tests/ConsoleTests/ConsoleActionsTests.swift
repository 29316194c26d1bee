import Config
import Foundation
import JSON
import Testing
@testable import Console

/// What the console changes: silences from a form or the API, dead deliveries queued again;
/// every refusal stores nothing.
@Suite struct ConsoleActionsTests {
    static let form = "application/x-www-form-urlencoded"

    /// The CSRF token a page gave this "browser", and the cookie header that sends it back.
    static func browser(_ world: ConsoleWorld) async throws -> (token: String, cookie: [String: String]) {
        let token = try #require(await world.request("/silences").csrfCookie)
        return (token, ["Cookie": "cw_csrf=\(token)", "Content-Type": form])
    }

    @Test func aSilenceFormNeedsItsTokenAndNamesEveryProblem() async throws {
        try await ConsoleWorld.with { world in
            let (token, headers) = try await Self.browser(world)
            let body = "match=channel_id%3Dc2&match=rule%3Dquality_low&duration=2h&comment=client+migrating&back=%2Falerts"

            let forged = await world.request("POST", "/silences", body: body, headers: ["Content-Type": Self.form])
            #expect(forged.status == 403 && forged.text.contains("security token"))
            let stale = await world.request("POST", "/silences", body: body + "&csrf=\(String(repeating: "0", count: 64))", headers: headers)
            #expect(stale.status == 403)
            #expect(try await world.count("SELECT count(*) FROM silences") == 0)

            let invalid = await world.request("POST", "/silences", body: "csrf=\(token)&match=wabaid%3D1&match=nonsense&duration=2h",
                                              headers: headers)
            #expect(invalid.status == 400)
            #expect(invalid.text.contains("unknown label &#39;wabaid&#39; (did you mean &#39;waba_id&#39;?)"))
            #expect(invalid.text.contains("&#39;nonsense&#39; is not a matcher"))
            #expect(invalid.text.contains("a comment is required"))
            #expect(invalid.text.contains(#"value="wabaid=1""#), "what was typed is kept")
            #expect(try await world.count("SELECT count(*) FROM silences") == 0)

            let created = await world.request("POST", "/silences", body: body + "&csrf=\(token)", headers: headers)
            #expect(created.status == 303)
            #expect(created.header("Location") == "/alerts?notice=silence-created")
            let row = try await world.database.client.query("SELECT created_by, comment, matchers::text AS m FROM silences")[0]
            #expect(try row.decode(String.self, "created_by") == "console (127.0.0.1)")
            #expect(try row.decode(String.self, "m").contains("quality_low"))
            #expect(await world.request("/alerts?notice=silence-created").text.contains("Silence created."))

            let id = try await world.database.client.query("SELECT id::text FROM silences")[0].decode(String.self, at: 0)
            let expired = await world.request("POST", "/silences/\(id)/expire", body: "csrf=\(token)", headers: headers)
            #expect(expired.status == 303 && expired.header("Location") == "/silences?notice=silence-expired")
            #expect(try await world.count("SELECT count(*) FROM silences WHERE ends_at > now()") == 0)
            #expect(await world.request("POST", "/silences/\(UUID())/expire", body: "csrf=\(token)", headers: headers).status == 404)
        }
    }

    @Test func anOversizedFormIsRefusedUnread() async throws {
        try await ConsoleWorld.with { world in
            let (token, headers) = try await Self.browser(world)
            let huge = "csrf=\(token)&match=channel_id%3Dc1&duration=1h&comment=" + String(repeating: "x", count: 70_000)
            let answer = await world.request("POST", "/silences", body: huge, headers: headers)
            #expect(answer.status == 413)
            #expect(await world.request("POST", "/api/v1/silences", body: huge, headers: ["Content-Type": "application/json"]).status == 413)
            #expect(try await world.count("SELECT count(*) FROM silences") == 0)
        }
    }

    @Test func changesFromElsewhereNeedHTTPAuth() async throws {
        try await ConsoleWorld.with { world in
            let (token, headers) = try await Self.browser(world)
            let remote = await world.request("POST", "/silences", body: "csrf=\(token)&match=channel_id%3Dc1&duration=1h&comment=x",
                                             headers: headers, fromLoopback: false)
            #expect(remote.status == 403 && remote.text.contains("only from loopback"))
            let api = await world.request("POST", "/api/v1/silences", body: #"{"matchers": {"channel_id": "c1"}, "duration": "1h", "comment": "x", "created_by": "a"}"#,
                                          headers: ["Content-Type": "application/json"], fromLoopback: false)
            #expect(api.status == 403 && api.json["message"]?.stringValue?.contains("http_auth") == true)
            #expect(await world.request("/alerts", fromLoopback: false).status == 200, "reads stay open")
            #expect(try await world.count("SELECT count(*) FROM silences") == 0)
        }
    }

    @Test func withHTTPAuthTheSignedInUserAuthorsWhatTheyCreate() async throws {
        let auth = HTTPAuthConfig(users: [.init(username: "ana", passwordHash: Secret(AccessControl.hashPassword("pw-ana", cost: 4)))],
                                  bearerTokens: [.init(name: "ops-script", token: Secret("ops-script-token-0123456789"))])
        try await ConsoleWorld.with(httpAuth: auth) { world in
            let basic = "Basic " + Data("ana:pw-ana".utf8).base64EncodedString()
            for target in ["/", "/alerts", "/static/console.css", "/api/v1/alerts", "/api/v1/silences"] {
                let refused = await world.request(target)
                #expect(refused.status == 401, "\(target)")
                #expect(refused.header("WWW-Authenticate")?.hasPrefix("Basic realm=") == true)
            }
            let page = await world.request("/silences", headers: ["Authorization": basic], fromLoopback: false)
            #expect(page.status == 200 && page.text.contains("signed in as ana"))
            let token = try #require(page.csrfCookie)
            let created = await world.request("POST", "/silences", body: "csrf=\(token)&match=channel_id%3Dc1&duration=1h&comment=porting",
                                              headers: ["Authorization": basic, "Cookie": "cw_csrf=\(token)", "Content-Type": Self.form],
                                              fromLoopback: false)
            #expect(created.status == 303)
            let viaToken = await world.request("POST", "/api/v1/silences", body: #"{"matchers": {"channel_id": "c2"}, "duration": "1h", "comment": "x"}"#,
                                               headers: ["Authorization": "Bearer ops-script-token-0123456789", "Content-Type": "application/json"],
                                               fromLoopback: false)
            #expect(viaToken.status == 201, "\(viaToken.text)")
            let authors = try await world.database.client.query("SELECT created_by FROM silences ORDER BY created_by")
                .map { try $0.decode(String.self, "created_by") }
            #expect(authors == ["ana", "ops-script"])
            for target in ["/", "/alerts", "/silences", "/api/v1/silences", "/api/v1/partners"] {
                let text = await world.request(target, headers: ["Authorization": basic]).text
                #expect(!text.contains("ops-script-token-0123456789") && !text.contains("$2b$04$") && !text.contains("partner-api-key-value"),
                        "no secret on \(target)")
            }
        }
    }

    @Test func aDeadDeliveryIsQueuedAgainFromThePageOrTheAPI() async throws {
        try await ConsoleWorld.with { world in
            try await ConsolePagesTests.fill(world)
            try await world.database.client.execute("UPDATE deliveries SET status = 'dead', last_error = 'HTTP 400 invalid_payload'")
            let dead = try await world.database.client.query("SELECT id::text FROM deliveries ORDER BY created_at, id")
                .map { try $0.decode(String.self, at: 0) }
            #expect(dead.count == 2, "one per rule: quality_low, availability_error")
            let page = await world.request("/deliveries?status=dead")
            #expect(page.text.contains("HTTP 400 invalid_payload") && page.text.contains("/deliveries/\(dead[0])/retry"))
            #expect(page.text.contains("Retry all \(dead.count) dead deliveries"))
            let (token, headers) = try await Self.browser(world)

            let forged = await world.request("POST", "/deliveries/\(dead[0])/retry", body: "back=%2Fdeliveries", headers: ["Content-Type": Self.form])
            #expect(forged.status == 403)
            let retried = await world.request("POST", "/deliveries/\(dead[0])/retry", body: "csrf=\(token)&back=%2Fdeliveries%3Fstatus%3Ddead",
                                              headers: headers)
            #expect(retried.status == 303 && retried.header("Location") == "/deliveries?status=dead&notice=delivery-retried")
            #expect(try await world.count("SELECT count(*) FROM deliveries WHERE status = 'pending'") == 1)
            let again = await world.request("POST", "/deliveries/\(dead[0])/retry", body: "csrf=\(token)", headers: headers)
            #expect(again.header("Location") == "/deliveries?status=dead&notice=nothing-to-retry")

            let viaAPI = await world.request("POST", "/api/v1/deliveries/\(dead[1])/retry")
            #expect(viaAPI.status == 200 && viaAPI.json["requeued"] == .number(1))
            #expect(await world.request("POST", "/api/v1/deliveries/\(dead[1])/retry").status == 409)
            #expect(await world.request("POST", "/api/v1/deliveries/banana/retry").status == 404)

            try await world.database.client.execute("UPDATE deliveries SET status = 'dead'")
            let all = await world.request("POST", "/deliveries/retry-dead", body: "csrf=\(token)", headers: headers)
            #expect(all.header("Location") == "/deliveries?status=dead&notice=deliveries-retried")
            #expect(try await world.count("SELECT count(*) FROM deliveries WHERE status = 'dead'") == 0)
        }
    }
}
