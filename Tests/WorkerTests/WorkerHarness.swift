import Alerting
import Recording
import Config
import Foundation
import Logging
import Postgres
import Rules
import TestSupport
import Worker

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Shared setup for the worker tests: a migrated database, rules, a config and a running service.
enum WorkerHarness {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let rulesYAML = """
        rules:
          - name: quality_low
            summary: "Quality rating is Low"
            severity: critical
            alert:
              field: current_quality_rating
              equals: Low
        """

    static func rules() throws -> LoadedRules {
        LoadedRules(ruleSet: try RuleSet.parse([(file: "test-rules.yml", text: rulesYAML)]),
                    fingerprint: Fingerprint.of([rulesYAML]))
    }

    /// Applies `sql/` with the project's migrator.
    static func migrate(_ database: TestDatabase) async throws {
        _ = try await Migrator(directory: repositoryRoot.appendingPathComponent("sql"), logger: Logger(label: "test.migrate"))
            .migrate(using: database.client)
    }

    static func config(partners: [String] = ["p1"], interval: Duration = .seconds(1), listen: String? = nil,
                       database: TestDatabase) -> ChannelWatchConfig {
        var poll = PollConfig()
        poll.interval = interval
        poll.jitter = .zero
        poll.timeout = .seconds(5)
        return ChannelWatchConfig(
            partners: partners.map { PartnerConfig(id: $0, apiKey: Secret("key-\($0)"), baseURL: "http://127.0.0.1:9") },
            database: DatabaseConfig(url: database.connectionString), poll: poll, rules: [], listen: listen,
            receivers: [], routes: [RouteConfig(receivers: ["ops"])])
    }

    /// A logger writing `format` lines into `capture`.
    static func logger(_ capture: LogCapture, format: LogFormat = .text, level: Logger.Level = .info) -> Logger {
        Logger(label: "test.worker") { label in
            ChannelWatchLogHandler(label: label, format: format, level: level, write: { capture.write($0) })
        }
    }

    /// A started worker service and its task.
    struct Running {
        let service: WorkerService
        let task: Task<Void, any Error>

        /// Shuts the service down and waits for it; returns how long that took.
        @discardableResult
        func shutDown() async throws -> Duration {
            let started = ContinuousClock.now
            service.shutDown()
            try await task.value
            return ContinuousClock.now - started
        }
    }

    static func start(config: ChannelWatchConfig, database: TestDatabase, poller: FixedPoller,
                      receivers: [any Receiver], logger: Logger, owner: String = "test-worker") async throws -> Running {
        let service = try WorkerService(
            config: config, rules: try rules(), database: database.client, poller: poller,
            makeReceivers: { _ in receivers }, metrics: WorkerMetrics(), logger: logger, outboxOwner: owner,
            gaugeInterval: .milliseconds(200))
        let task = Task { try await service.run() }
        if let server = service.healthServer { try await server.waitUntilListening() }
        return Running(service: service, task: task)
    }

    /// Waits until `condition` holds, checking every 50 ms; throws after `timeout`.
    static func eventually(_ what: String, timeout: Duration = .seconds(30),
                           _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw TestTimeout(what: what) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    static func count(_ database: TestDatabase, _ sql: String, _ parameters: [PostgresValue] = []) async throws -> Int {
        try await database.client.query(sql, parameters)[0].decode(Int.self, at: 0)
    }
}

struct TestTimeout: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// A response from the health server.
struct HTTPGetResponse {
    var status: Int
    var contentType: String
    var body: String
}

/// GET `http://127.0.0.1:port/path` with a fresh, non-caching session.
func httpGet(port: UInt16, _ path: String) async throws -> HTTPGetResponse {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = 10
    let session = URLSession(configuration: configuration)
    defer { session.finishTasksAndInvalidate() }
    let (data, response) = try await session.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
    let http = response as! HTTPURLResponse
    return HTTPGetResponse(status: http.statusCode, contentType: http.value(forHTTPHeaderField: "Content-Type") ?? "",
                           body: String(decoding: data, as: UTF8.self))
}

/// A fresh, migrated database for one test, dropped afterwards.
enum TestDatabaseScope {
    static func with<R>(function: String = #function, on cluster: PostgresCluster? = nil,
                        _ body: (TestDatabase) async throws -> R) async throws -> R {
        try await TestDatabase.with(function: function, on: cluster) { database in
            try await WorkerHarness.migrate(database)
            return try await body(database)
        }
    }
}

/// Parses rule YAML given in a test.
enum RuleSetFixture {
    static func parse(_ yaml: String) throws -> RuleSet {
        try RuleSet.parse([(file: "reloaded-rules.yml", text: yaml)])
    }
}

/// A request with a method and an optional body to 127.0.0.1:`port`; the answer's status and body.
func httpSend(port: UInt16, _ method: String, _ path: String, body: String? = nil,
              contentType: String? = "application/json", headers: [String: String] = [:]) async throws -> HTTPGetResponse {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = 10
    let session = URLSession(configuration: configuration)
    defer { session.finishTasksAndInvalidate() }
    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
    request.httpMethod = method
    if let body { request.httpBody = Data(body.utf8) }
    if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    let (data, response) = try await session.data(for: request)
    let http = response as! HTTPURLResponse
    return HTTPGetResponse(status: http.statusCode, contentType: http.value(forHTTPHeaderField: "Content-Type") ?? "",
                           body: String(decoding: data, as: UTF8.self))
}
