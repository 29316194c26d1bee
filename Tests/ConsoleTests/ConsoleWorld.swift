import Alerting
import Config
import Console
import Foundation
import JSON
import Logging
import Postgres
import Recording
import Rules
import TestSupport

/// A migrated database with polls recorded by the real recorder, and a console over it, asked
/// in memory: the same ``ConsoleApp`` the worker serves on `listen`.
struct ConsoleWorld: Sendable {
    static let rulesYAML = """
        rules:
          - name: quality_low
            summary: "Quality rating is Low"
            severity: critical
            alert: {field: current_quality_rating, in: [Low]}
          - name: availability_error
            summary: "Availability is error"
            severity: warning
            alert: {field: availability_status, equals: error}
        """

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    let database: TestDatabase
    let recorder: PollRecorder
    let app: ConsoleApp
    let rules: RuleSet

    static func make(function: String = #function, httpAuth: HTTPAuthConfig? = nil) async throws -> ConsoleWorld {
        let database = try await TestDatabase.create(function: function)
        _ = try await Migrator(directory: repositoryRoot.appendingPathComponent("sql"), logger: Logger(label: "test.migrate"))
            .migrate(using: database.client)
        let rules = try RuleSet.parse([(file: "console-rules.yml", text: rulesYAML)])
        let recorder = PollRecorder(database: database.client, engine: RuleEngine(rules: rules),
                                    router: Router(routes: [RouteConfig(receivers: ["hook"])]), rulesFingerprint: "console-test")
        let config = ChannelWatchConfig(partners: [PartnerConfig(id: "p1", apiKey: Secret("partner-api-key-value"), baseURL: "http://127.0.0.1:1")],
                                        database: DatabaseConfig(url: database.connectionString), rules: [],
                                        receivers: [ReceiverConfig(name: "hook", kind: .console)], httpAuth: httpAuth)
        let context = ConsoleContext(config: config, rules: rules)
        let app = ConsoleApp(database: database.client, logger: Logger(label: "test.console")) { context }
        return ConsoleWorld(database: database, recorder: recorder, app: app, rules: rules)
    }

    /// A channel document: phone `+49 30 <n>`, name `Shop <n>`, client `client-<n % 2>`, WABA `waba-<n % 3>`.
    static func channel(_ number: Int, quality: String = "High", availability: String = "ready",
                        name: String? = nil) -> ObservedChannel {
        let document = JSONValue.object([
            "id": .string("c\(number)"), "status": .string("ready"), "current_quality_rating": .string(quality),
            "availability_status": .string(availability), "current_limit": .string("TIER_1K"),
            "setup_info": .object(["phone_number": .string("+49 30 \(1000 + number)"), "phone_name": .string(name ?? "Shop \(number)")]),
            "client": .object(["id": .string("client-\(number % 2)"), "name": .string("Client \(number % 2)")]),
            "waba_account": .object(["id": .string("waba-\(number % 3)"), "status": .string("approved")]),
        ])
        return ObservedChannel(id: "c\(number)", document: document, rawJSON: document.encoded())
    }

    /// Records a complete poll of `channels` for partner p1.
    func poll(_ channels: [ObservedChannel], at time: Date = Date()) async throws {
        _ = try await recorder.record(ObservedPoll(partnerID: "p1", startedAt: time.addingTimeInterval(-0.2), finishedAt: time,
                                                   channels: channels, pages: 1, failure: nil),
                                      firstPoll: .notify, failingAfter: 3)
    }

    /// Records a failed poll with a trace id.
    func failedPoll() async throws {
        _ = try await recorder.record(ObservedPoll(partnerID: "p1", startedAt: Date(), finishedAt: Date(), channels: [], pages: 0,
                                                   failure: .init(message: "partner p1: GET /channels page 2 (offset 100): HTTP 500",
                                                                  httpStatus: 500, traceID: "trace-abc-123")),
                                      firstPoll: .notify, failingAfter: 3)
    }

    /// Asks the console.
    func request(_ target: String, headers: [String: String] = [:], fromLoopback: Bool = true) async -> ConsoleResponse {
        await request("GET", target, headers: headers, fromLoopback: fromLoopback)
    }

    func request(_ method: String, _ target: String, body: String = "", headers: [String: String] = [:],
                 fromLoopback: Bool = true) async -> ConsoleResponse {
        let parts = target.split(separator: "?", maxSplits: 1)
        return await app.respond(to: ConsoleRequest(method: method, path: String(parts[0]),
                                                    query: parts.count > 1 ? String(parts[1]) : "", headers: headers,
                                                    body: Data(body.utf8), fromLoopback: fromLoopback, peer: "127.0.0.1"))
    }

    func count(_ sql: String) async throws -> Int {
        try await database.client.query(sql)[0].decode(Int.self, at: 0)
    }

    func drop() async { try? await database.drop() }

    /// Runs `body` in a fresh world and drops its database afterwards.
    static func with(function: String = #function, httpAuth: HTTPAuthConfig? = nil,
                     _ body: (ConsoleWorld) async throws -> Void) async throws {
        let world = try await make(function: function, httpAuth: httpAuth)
        do {
            try await body(world)
        } catch {
            await world.drop()
            throw error
        }
        await world.drop()
    }
}

extension ConsoleResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue { (try? JSONParser.parse(body)) ?? .null }

    /// The CSRF token set by a page, as a browser would keep it.
    var csrfCookie: String? {
        headers.first { $0.name == "Set-Cookie" && $0.value.hasPrefix("cw_csrf=") }
            .map { String($0.value.dropFirst("cw_csrf=".count).prefix(64)) }
    }
}
