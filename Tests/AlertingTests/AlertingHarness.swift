import Alerting
import Outbox
import Recording
import Config
import Foundation
import JSON
import Logging
import Postgres
import Rules
import TestSupport

/// A receiver for tests: records what it was asked to deliver and answers from a script.
final class RecordingReceiver: Receiver, @unchecked Sendable {
    // @unchecked: every mutable field is guarded by `lock`.
    let name: String
    private let lock = NSLock()
    private var received: [(NotificationPayload, DeliveryKind)] = []
    private var script: [DeliveryOutcome]
    private let delay: Duration

    init(name: String, script: [DeliveryOutcome] = [], delay: Duration = .zero) {
        self.name = name
        self.script = script
        self.delay = delay
    }

    func deliver(_ notification: NotificationPayload, kind: DeliveryKind) async -> DeliveryOutcome {
        if delay > .zero { try? await Task.sleep(for: delay) }
        return lock.withLock {
            received.append((notification, kind))
            return script.isEmpty ? .delivered : script.removeFirst()
        }
    }

    var notifications: [NotificationPayload] { lock.withLock { received.map(\.0) } }
    var kinds: [DeliveryKind] { lock.withLock { received.map(\.1) } }
    /// Every event received, flattened, as `rule channel status`.
    var eventLines: [String] {
        notifications.flatMap { $0.events.map { "\($0.rule) \($0.channel.id) \($0.status)" } }
    }
}

/// A migrated database, rules, a router and a recorder, for one test.
struct AlertingHarness {
    static let rulesYAML = """
        rules:
          - name: quality_low
            summary: "Quality rating is Low"
            severity: critical
            labels: {team: messaging}
            alert:
              field: current_quality_rating
              in: [Low, RED]
          - name: quality_low_sustained
            summary: "Quality Low for three polls"
            severity: warning
            alert: {field: current_quality_rating, equals: Low}
            for_polls: 3
            send_resolved: false
          - name: messaging_limit_down
            summary: "Messaging limit lowered"
            severity: warning
            change:
              field: current_limit
              direction: down
          - name: channel_disappeared
            summary: "Channel disappeared"
            severity: warning
            disappeared: true
        """

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    let database: TestDatabase
    let recorder: PollRecorder
    let router: Router
    let partnerID = "p1"
    /// Poll times: real time (reminders compare with the database's clock), a second apart.
    private(set) var clock = Date()

    static func make(function: String = #function, routes: [RouteConfig] = [RouteConfig(receivers: ["ops"])],
                     rules: String = rulesYAML, inhibitRules: [InhibitRuleConfig] = []) async throws -> AlertingHarness {
        let database = try await TestDatabase.create(function: function)
        try await migrate(database.client)
        let ruleSet = try RuleSet.parse([(file: "test-rules.yml", text: rules)])
        let router = Router(routes: routes)
        let recorder = PollRecorder(database: database.client, engine: RuleEngine(rules: ruleSet), router: router,
                                    rulesFingerprint: Fingerprint.of([rules]), inhibitRules: inhibitRules)
        return AlertingHarness(database: database, recorder: recorder, router: router)
    }

    /// Applies every migration in `sql/`, as `channelwatch migrate` does.
    static func migrate(_ client: PostgresClient) async throws {
        _ = try await Migrator(directory: repositoryRoot.appendingPathComponent("sql"), logger: Logger(label: "test.migrate"))
            .migrate(using: client)
    }

    /// A channel document with the given fields.
    static func channel(_ id: String, quality: String = "High", limit: String = "TIER_10K", waba: String = "w1",
                        extra: [String: JSONValue] = [:]) -> ObservedChannel {
        var members: [String: JSONValue] = [
            "id": .string(id), "current_quality_rating": .string(quality), "current_limit": .string(limit),
            "setup_info": .object(["phone_number": .string("+49 30 \(id)"), "phone_name": .string("Shop \(id)")]),
            "waba_account": .object(["id": .string(waba)]), "client_id": .string("client-1"),
        ]
        members.merge(extra) { _, new in new }
        let document = JSONValue.object(members)
        return ObservedChannel(id: id, document: document, rawJSON: document.encoded())
    }

    /// Records a complete poll (or an incomplete one when `failure` is given), 10 ms after the previous.
    @discardableResult
    mutating func poll(_ channels: [ObservedChannel], failure: ObservedPoll.Failure? = nil, firstPoll: FirstPollMode = .notify,
                       failingAfter: Int = 3) async throws -> PollRecorder.Outcome {
        clock += 0.01
        let poll = ObservedPoll(partnerID: partnerID, startedAt: clock - 1, finishedAt: clock, channels: channels,
                                pages: 1, failure: failure)
        return try await recorder.record(poll, firstPoll: firstPoll, failingAfter: failingAfter)
    }

    /// A delivery worker whose first retry comes after `firstRetry` instead of 5 s, so tests stay fast.
    func worker(_ receivers: [any Receiver], owner: String = "test-worker", maxAge: Duration = .seconds(86_400),
                firstRetry: Duration = .milliseconds(300)) -> DeliveryWorker {
        var outbox = Outbox(database: database.client, owner: owner)
        outbox.schedule.backoff.initial = firstRetry
        return DeliveryWorker(outbox: outbox, receivers: receivers, router: router, maxAge: maxAge,
                              logger: Logger(label: "test.delivery"))
    }

    func count(_ sql: String, _ parameters: [PostgresValue] = []) async throws -> Int {
        try await database.client.query(sql, parameters)[0].decode(Int.self, at: 0)
    }

    /// Open alerts as `rule channel`, sorted.
    func openAlerts() async throws -> [String] {
        try await database.client.query("SELECT rule, channel_id FROM alerts WHERE status = 'firing' ORDER BY rule, channel_id")
            .map { "\(try $0.decode(String.self, "rule")) \(try $0.decode(String.self, "channel_id"))" }
    }
}
