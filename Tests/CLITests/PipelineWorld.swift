import Foundation
import PartnerAPI
import Postgres
import Testing
import TestSupport

/// The simulator playing `scenarios/demo.yml`, a fresh database, a webhook sink, and a config
/// file using all three — for tests that run the real `channelwatch` binary end to end.
struct PipelineWorld {
    static let apiKey = "demo-key"
    static let signingSecret = "whsec-SIGNING-5f0c2e"
    static let secretPath = "/hook/T0AAAA/B0BBBB/SECRETPATHxyz"

    let simulator: PartnerAPISimulator
    let database: TestDatabase
    let sink: HTTPSink
    let directory: URL

    static func make(function: String = #function,
                     sinkBehaviour: @escaping @Sendable (RecordedHTTPRequest) -> HTTPSinkAction = { _ in .ok },
                     firstRequests: [HTTPSinkAction] = []) async throws -> PipelineWorld {
        let root = ChannelWatchBinary.repositoryRoot
        let scenario = try ScenarioLoader.load(path: root.appendingPathComponent("scenarios/demo.yml").path)
        let simulator = PartnerAPISimulator(scenario: scenario)
        try await simulator.start()
        let database = try await TestDatabase.create(function: function)
        let sink = try HTTPSink(actions: firstRequests, otherwise: sinkBehaviour)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cw-pipeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = """
            partners:
              - {id: demo-partner, api_key: "${CW_TEST_API_KEY}", base_url: "\(await simulator.baseURL!)", page_size: 10}
            database: {url: "${CW_TEST_DATABASE}"}
            rules: [\(root.appendingPathComponent("Rules").path)]
            receivers:
              - {name: hook, type: webhook, url: "\(sink.url(secretPath))", secret: "${CW_TEST_SIGNING}"}
            routes: [{receivers: [hook]}]
            """
        try config.write(to: directory.appendingPathComponent("channelwatch.yml"), atomically: true, encoding: .utf8)
        return PipelineWorld(simulator: simulator, database: database, sink: sink, directory: directory)
    }

    var environment: [String: String] {
        ["CW_TEST_API_KEY": Self.apiKey, "CW_TEST_DATABASE": database.connectionString, "CW_TEST_SIGNING": Self.signingSecret]
    }

    /// Runs `channelwatch ARGS` with the world's config and environment.
    func run(_ arguments: [String], extraEnvironment: [String: String] = [:], timeout: Duration = .seconds(60)) async throws -> ProcessResult {
        try await ChannelWatchBinary.run(arguments, environment: environment.merging(extraEnvironment) { _, new in new },
                                         in: directory, timeout: timeout)
    }

    func count(_ sql: String) async throws -> Int {
        try await database.client.query(sql)[0].decode(Int.self, at: 0)
    }

    /// The rules of the events in the webhook payloads received so far.
    var deliveredRules: [String] {
        sink.requests.flatMap { request -> [String] in
            let payload = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any]
            return ((payload?["events"] as? [[String: Any]]) ?? []).compactMap { $0["rule"] as? String }
        }
    }

    func tearDown() async {
        await simulator.stop()
        sink.stop()
        try? await database.drop()
        try? FileManager.default.removeItem(at: directory)
    }
}
