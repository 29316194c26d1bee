import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PartnerAPI
import Postgres
import Testing
import TestSupport

/// A world for `channelwatch run` as a real background process: the simulator playing a
/// scenario, a database (on the shared server or a private cluster), a webhook sink, and a
/// config file whose `listen` port comes from each worker's environment, so several workers
/// can share the file.
struct RunWorld: Sendable {
    static let apiKey = "run-key"

    let simulator: PartnerAPISimulator
    let partnerID: String
    let database: TestDatabase
    let sink: HTTPSink
    let directory: URL
    /// Every worker started, so ``tearDown()`` can kill those a failing test left running.
    let started = StartedWorkers()

    /// The config file the workers read.
    var configFile: URL { directory.appendingPathComponent("channelwatch.yml") }

    /// Starts the simulator on `scenario` (YAML text), creates the database and the sink, and
    /// writes the config. `rules` nil means the shipped `Rules/` directory.
    static func make(function: String = #function, scenario: String, rules: [String]? = nil,
                     poll: String = "{interval: 1s, jitter: 0s, timeout: 5s}",
                     cluster: PostgresCluster? = nil, firstRequests: [HTTPSinkAction] = [],
                     sinkAnswer: HTTPSinkAction = .ok, routes: String = "[{receivers: [hook]}]",
                     webhook: String? = nil, extraConfig: String = "") async throws -> RunWorld {
        let loaded = try ScenarioLoader.parse(scenario, file: "scenario.yml")
        let simulator = PartnerAPISimulator(scenario: loaded)
        try await simulator.start()
        let database = try await TestDatabase.create(function: function, on: cluster)
        let sink = try HTTPSink(actions: firstRequests, otherwise: { _ in sinkAnswer })
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cw-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let partnerID = try #require(loaded.partners.first?.id)
        let rulePaths = rules ?? [ChannelWatchBinary.repositoryRoot.appendingPathComponent("Rules").path]
        // With `webhook` (the partner's `webhook:` block), partner webhooks are received on
        // 127.0.0.1:$CW_TEST_WEBHOOK_PORT.
        let inbound = webhook.map { ", webhook: \($0)" } ?? ""
        let config = """
            partners:
              - {id: \(partnerID), api_key: "${CW_TEST_API_KEY}", base_url: "\(await simulator.baseURL!)", page_size: 10\(inbound)}
            \(webhook == nil ? "" : "webhook_listen: \"127.0.0.1:${CW_TEST_WEBHOOK_PORT}\"")
            database: {url: "${CW_TEST_DATABASE}"}
            poll: \(poll)
            rules: [\(rulePaths.joined(separator: ", "))]
            listen: "127.0.0.1:${CW_TEST_LISTEN_PORT}"
            receivers:
              - {name: hook, type: webhook, url: "\(sink.url("/hook"))"}
            routes: \(routes)
            \(extraConfig)
            """
        try config.write(to: directory.appendingPathComponent("channelwatch.yml"), atomically: true, encoding: .utf8)
        return RunWorld(simulator: simulator, partnerID: partnerID, database: database, sink: sink, directory: directory)
    }

    /// Starts `channelwatch run` in the background on a free listen port. Delivery leases are
    /// one second, so a delivery abandoned by a stopped worker is retried without a long wait.
    func startWorker(extraEnvironment: [String: String] = [:]) throws -> RunningWorker {
        let port = try LoopbackPort.free()
        var environment = [
            "PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "LANG": "C.UTF-8",
            "CW_TEST_API_KEY": Self.apiKey, "CW_TEST_DATABASE": database.connectionString,
            "CW_TEST_LISTEN_PORT": "\(port)", "CHANNELWATCH_DELIVERY_LEASE": "1s",
        ]
        environment.merge(extraEnvironment) { _, new in new }
        let process = try BackgroundProcess.start(ChannelWatchBinary.url.path, ["run", "--config", configFile.path],
                                                  environment: environment, workingDirectory: directory)
        let worker = RunningWorker(process: process, port: port)
        started.add(worker)
        return worker
    }

    /// Makes a world, runs `body` in it, and tears it down afterwards, also when `body` throws,
    /// so no worker process outlives its test.
    static func with(function: String = #function, scenario: String, rules: [String]? = nil,
                     poll: String = "{interval: 1s, jitter: 0s, timeout: 5s}", cluster: PostgresCluster? = nil,
                     firstRequests: [HTTPSinkAction] = [], sinkAnswer: HTTPSinkAction = .ok,
                     routes: String = "[{receivers: [hook]}]", webhook: String? = nil, extraConfig: String = "",
                     _ body: (RunWorld) async throws -> Void) async throws {
        let world = try await make(function: function, scenario: scenario, rules: rules, poll: poll, cluster: cluster,
                                   firstRequests: firstRequests, sinkAnswer: sinkAnswer, routes: routes, webhook: webhook,
                                   extraConfig: extraConfig)
        do {
            try await body(world)
        } catch {
            await world.tearDown()
            throw error
        }
        await world.tearDown()
    }

    /// A count (or any single integer) from the database.
    func count(_ sql: String) async throws -> Int {
        try await database.client.query(sql)[0].decode(Int.self, at: 0)
    }

    /// The (rule, channel, status) of every notified event in the events table.
    func recordedEvents() async throws -> [EventKey] {
        try await database.client.query("SELECT rule, channel_id, status FROM events WHERE notified ORDER BY observed_at")
            .map { EventKey(rule: try $0.decode(String.self, "rule"), channel: try $0.decode(String.self, "channel_id"),
                            status: try $0.decode(String.self, "status")) }
    }

    /// The events of every webhook request received, keyed by the request's delivery id.
    var deliveredEvents: [(deliveryID: String, events: [EventKey])] {
        sink.requests.map { request in
            let payload = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any]
            let events = ((payload?["events"] as? [[String: Any]]) ?? []).map { event in
                EventKey(rule: event["rule"] as? String ?? "?",
                         channel: (event["channel"] as? [String: Any])?["id"] as? String ?? "",
                         status: event["status"] as? String ?? "?")
            }
            return (request.header("X-ChannelWatch-Delivery") ?? "", events)
        }
    }

    /// Polls `condition` every 100 ms until it holds; fails with the workers' logs after `timeout`.
    /// A throwing condition counts as not yet (the workers may not have migrated the database).
    func eventually(_ what: String, timeout: Duration = .seconds(30), workers: [RunningWorker],
                    _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        var lastError: (any Error)?
        while ContinuousClock.now < deadline {
            do {
                if try await condition() { return }
            } catch {
                lastError = error
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let logs = workers.enumerated().map { "--- worker \($0.offset) ---\n\($0.element.output.suffix(4000))" }
        let last = lastError.map { "; last error: \($0)" } ?? ""
        Issue.record("timed out after \(timeout) waiting for \(what)\(last)\n\(logs.joined(separator: "\n"))")
        throw RunWorldTimeout(what: what)
    }

    func tearDown() async {
        for worker in started.all { await worker.process.kill() }
        await simulator.stop()
        sink.stop()
        try? await database.drop()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// The workers a world started.
final class StartedWorkers: @unchecked Sendable {
    // @unchecked Sendable: `workers` is only touched while holding `lock`.
    private let lock = NSLock()
    private var workers: [RunningWorker] = []

    func add(_ worker: RunningWorker) { lock.withLock { workers.append(worker) } }
    var all: [RunningWorker] { lock.withLock { workers } }
}

/// What identifies an event across the events table and the webhook payloads.
struct EventKey: Hashable, Sendable, CustomStringConvertible {
    var rule: String
    var channel: String
    var status: String

    var description: String { "\(rule) \(channel.isEmpty ? "-" : channel) \(status)" }
}

/// A condition that did not come true in time.
struct RunWorldTimeout: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// One `channelwatch run` process and its HTTP port.
struct RunningWorker: Sendable {
    let process: BackgroundProcess
    let port: Int

    /// Everything the worker wrote so far (logs go to standard error).
    var output: String { process.standardOutput + process.standardError }

    /// Sends SIGTERM and waits up to `timeout` for the exit; returns the exit status (nil if
    /// it still runs) and how long it took.
    func terminate(timeout: Duration = .seconds(10)) async -> (status: Int32?, took: Duration) {
        let started = ContinuousClock.now
        process.send(SIGTERM)
        let status = await process.waitForExit(timeout: timeout)
        return (status, ContinuousClock.now - started)
    }

    /// `GET path` on the worker's listen port; nil when nothing answers.
    func get(_ path: String) async -> (status: Int, body: String)? {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        guard let (data, response) = try? await session.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!),
              let http = response as? HTTPURLResponse else { return nil }
        return (http.statusCode, String(decoding: data, as: UTF8.self))
    }
}

extension RunWorld {
    /// A one-partner scenario of three ready channels (`c1`–`c3`, quality High) with a manual
    /// timeline of `steps` (YAML list items), so each test decides when the world changes.
    static func smallScenario(partner: String, steps: String) -> String {
        let channels = (1...3).map { number in
            """
                  - {id: c\(number), status: ready, current_quality_rating: High, availability_status: ready,
                     current_limit: TIER_1K, setup_info: {phone_number: "+49300000\(number)", phone_name: "Shop \(number)"}}
            """
        }.joined(separator: "\n")
        return """
            partners:
              - id: \(partner)
                api_key: \(apiKey)
                channels:
            \(channels)
            timeline:
              advance: manual
              steps:
            \(steps)
            """
    }
}

extension RunWorld {
    /// Runs `channelwatch poll` once with the world's config (its listen port is unused).
    func poll(extraEnvironment: [String: String] = [:]) async throws -> ProcessResult {
        try await command(["poll"], extraEnvironment: extraEnvironment)
    }

    /// Runs `channelwatch ARGUMENTS --config <the world's config>` once.
    func command(_ arguments: [String], extraEnvironment: [String: String] = [:]) async throws -> ProcessResult {
        var environment = ["CW_TEST_API_KEY": Self.apiKey, "CW_TEST_DATABASE": database.connectionString,
                           "CW_TEST_LISTEN_PORT": "1"]
        environment.merge(extraEnvironment) { _, new in new }
        return try await ChannelWatchBinary.run(arguments + ["--config", configFile.path], environment: environment,
                                                in: directory)
    }
}
