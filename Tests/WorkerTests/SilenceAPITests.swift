import Alerting
import Config
import Foundation
import JSON
import Postgres
import Recording
import TestSupport
import Testing
@testable import Worker
import Console

/// `GET/POST /api/v1/silences` and `DELETE /api/v1/silences/{id}` over real HTTP, against a
/// running worker: a silence created through the API mutes the next poll's notification for
/// that channel only; expiring it notifies the still-firing alert once.
@Suite struct SilenceAPITests {
    static func silenceBody(channel: String, comment: String = "client migrating") -> String {
        #"{"matchers": {"channel_id": "\#(channel)", "rule": "=~quality_.*"}, "duration": "2h", "comment": "\#(comment)", "created_by": "ana"}"#
    }

    @Test func aSilenceThroughTheAPIMutesOneChannelAndItsExpiryNotifiesOnce() async throws {
        try await TestDatabaseScope.with { database in
            let poller = FixedPoller(channelIDs: ["c1", "c2"], quality: "High")
            let ops = RecordingReceiver(name: "ops")
            let config = WorkerHarness.config(interval: .milliseconds(300), listen: "127.0.0.1:0", database: database)
            let running = try await WorkerHarness.start(config: config, database: database, poller: poller, receivers: [ops],
                                                        logger: WorkerHarness.logger(LogCapture()))
            let port = try #require(await running.service.healthServer?.boundPort)
            try await WorkerHarness.eventually("the first poll") { poller.pollCount("p1") >= 1 }

            let created = try await httpSend(port: port, "POST", "/api/v1/silences", body: Self.silenceBody(channel: "c1"))
            #expect(created.status == 201, "\(created.body)")
            #expect(created.contentType == "application/json")
            let row = try JSONParser.parse(Data(created.body.utf8))
            let id = try #require(row["id"]?.stringValue)
            #expect(row["state"]?.stringValue == "active")
            #expect(row["matchers"]?["rule"]?.stringValue == "=~ quality_.*")
            #expect(row["created_by"]?.stringValue == "ana")

            poller.setChannels([FixedPoller.channel("c1", quality: "Low"), FixedPoller.channel("c2", quality: "Low")])
            try await WorkerHarness.eventually("c2's notification") { ops.eventLines.contains("quality_low c2 firing") }
            try await WorkerHarness.eventually("c1 held back") {
                try await WorkerHarness.count(database, "SELECT count(*) FROM events WHERE channel_id = 'c1' AND silenced_by IS NOT NULL") == 1
            }
            let pollsThen = poller.pollCount("p1")
            try await WorkerHarness.eventually("two more polls") { poller.pollCount("p1") >= pollsThen + 2 }
            #expect(!ops.eventLines.contains("quality_low c1 firing"), "silenced")

            let listed = try await httpGet(port: port, "/api/v1/silences")
            #expect(listed.status == 200 && listed.body.contains(id), "\(listed.body)")

            let expired = try await httpSend(port: port, "DELETE", "/api/v1/silences/\(id)", contentType: nil)
            #expect(expired.status == 200, "\(expired.body)")
            #expect(try JSONParser.parse(Data(expired.body.utf8))["state"]?.stringValue == "expired")
            try await WorkerHarness.eventually("c1 notified once the silence ended") { ops.eventLines.contains("quality_low c1 firing") }
            let afterRelease = poller.pollCount("p1")
            try await WorkerHarness.eventually("two more polls") { poller.pollCount("p1") >= afterRelease + 2 }
            #expect(ops.eventLines.filter { $0 == "quality_low c1 firing" }.count == 1, "once, not at every poll")
            #expect(try await httpGet(port: port, "/api/v1/silences").body == #"{"silences":[]}"#)
            #expect(try await httpGet(port: port, "/api/v1/silences?expired=true").body.contains(id))
            _ = try await running.shutDown()
        }
    }

    @Test func badRequestsGetAJSONErrorAndStoreNothing() async throws {
        try await TestDatabaseScope.with { database in
            let config = WorkerHarness.config(interval: .seconds(60), listen: "127.0.0.1:0", database: database)
            let running = try await WorkerHarness.start(config: config, database: database, poller: FixedPoller(),
                                                        receivers: [RecordingReceiver(name: "ops")],
                                                        logger: WorkerHarness.logger(LogCapture()))
            let port = try #require(await running.service.healthServer?.boundPort)
            func post(_ body: String, contentType: String = "application/json") async throws -> (Int, JSONValue) {
                let answer = try await httpSend(port: port, "POST", "/api/v1/silences", body: body, contentType: contentType)
                #expect(answer.contentType == "application/json")
                return (answer.status, try JSONParser.parse(Data(answer.body.utf8)))
            }
            let (badStatus, bad) = try await post(#"{"matchers": {"wabaid": "1", "rule": "=~("}, "duration": "2h", "created_by": "a", "note": 1}"#)
            #expect(badStatus == 400)
            #expect(bad["message"]?.stringValue == "invalid silence: unknown key 'note'; keys are comment, created_by, duration, ends_at, matchers, starts_at")
            let (invalidStatus, invalid) = try await post(#"{"matchers": {"wabaid": "1", "rule": "=~("}, "duration": "2h", "created_by": "a"}"#)
            #expect(invalidStatus == 400)
            let problems = invalid["problems"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(problems.count == 3, "\(problems)")
            #expect(problems.contains { $0.hasPrefix("unknown label 'wabaid' (did you mean 'waba_id'?)") })
            #expect(problems.contains("matcher 'rule': invalid regular expression '('"))
            #expect(problems.contains("a comment is required: say why, for the next person on call"))
            let (endStatus, end) = try await post(#"{"matchers": {"channel_id": "c1"}, "starts_at": "2030-01-01T10:00:00Z", "ends_at": "2030-01-01T09:00:00Z", "comment": "c", "created_by": "a"}"#)
            #expect(endStatus == 400 && end["message"]?.stringValue?.contains("is not after starts_at") == true)
            let (syntaxStatus, syntax) = try await post("{not json")
            #expect(syntaxStatus == 400 && syntax["message"]?.stringValue?.hasPrefix("invalid silence: the body is not JSON") == true)
            let (formStatus, _) = try await post("matchers=x", contentType: "application/x-www-form-urlencoded")
            #expect(formStatus == 415, "a cross-site form cannot create a silence")
            #expect(try await WorkerHarness.count(database, "SELECT count(*) FROM silences") == 0, "nothing stored")

            let unknown = try await httpSend(port: port, "DELETE", "/api/v1/silences/\(UUID())", contentType: nil)
            #expect(unknown.status == 404 && unknown.body.contains("no silence"))
            let notAnID = try await httpSend(port: port, "DELETE", "/api/v1/silences/banana", contentType: nil)
            #expect(notAnID.status == 404)
            _ = try await running.shutDown()
        }
    }

    @Test func changingRequestsComeOnlyFromLoopback() async throws {
        #expect(HealthServer.isLoopback(.ip4("127.0.0.1", port: 1)))
        #expect(HealthServer.isLoopback(.ip4("127.4.5.6", port: 1)))
        #expect(HealthServer.isLoopback(.ip6("::1", port: 1)))
        #expect(HealthServer.isLoopback(.ip6("::ffff:127.0.0.1", port: 1)))
        #expect(!HealthServer.isLoopback(.ip4("10.0.0.7", port: 1)))
        #expect(!HealthServer.isLoopback(.ip6("fe80::1", port: 1)))
        #expect(!HealthServer.isLoopback(nil))

        let access = AccessControl()
        func request(_ method: String, fromLoopback: Bool) -> ConsoleRequest {
            ConsoleRequest(method: method, path: "/api/v1/silences", headers: ["Content-Type": "application/json"],
                           body: Data(Self.silenceBody(channel: "c1").utf8), fromLoopback: fromLoopback)
        }
        #expect(await access.verdict(for: request("POST", fromLoopback: false), auth: nil)
                == .forbidden("changes (silences, retries) are accepted only from loopback (127.0.0.1, ::1) while http_auth is not configured"))
        #expect(await access.verdict(for: request("DELETE", fromLoopback: false), auth: nil) != .allowed(.init(name: "anonymous", authenticated: false)))
        #expect(await access.verdict(for: request("GET", fromLoopback: false), auth: nil) == .allowed(.init(name: "anonymous", authenticated: false)),
                "reads are open without http_auth")
        #expect(await access.verdict(for: request("POST", fromLoopback: true), auth: nil) == .allowed(.init(name: "anonymous", authenticated: false)))

        try await TestDatabaseScope.with { database throws in
            let api = SilenceAPI(store: SilenceStore(database: database.client))
            let validate: @Sendable (SilenceRequest, Date) -> Result<Silence, SilenceRequestError> = { request, now in
                request.validate(now: now, knownLabels: Set(SilenceRequest.builtInLabels), knownRules: ["quality_low"])
            }
            let body = Data(Self.silenceBody(channel: "c1").utf8)
            let local = await api.create(body: body, contentType: "application/json", validate: validate)
            #expect(local.status == 201)
            let tooLarge = await api.create(body: Data(count: SilenceAPI.maximumBodyBytes + 1), contentType: "application/json",
                                            validate: validate)
            #expect(tooLarge.status == 413)
            #expect(try await WorkerHarness.count(database, "SELECT count(*) FROM silences WHERE ends_at > now()") == 1)
        }
    }
}
