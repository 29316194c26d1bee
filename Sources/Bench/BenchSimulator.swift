import Primitives
import Curl
import Foundation

/// The simulated Partner API for the benchmark, run as a `channelwatch simulate` subprocess so
/// that its CPU time and memory are not counted as the worker's.
///
/// It serves two partners: `bench` (N channels, 50 ms per page, one manual timeline step that
/// drops 1 % of them to quality Low) and `idle` (10 channels, for the idle `run`).
struct BenchSimulator {
    /// The partner polled by the poll and record steps.
    static let benchPartner = "bench"
    /// The partner the idle `run` polls.
    static let idlePartner = "idle"

    let process: ChildProcess
    /// `http://127.0.0.1:PORT`.
    let baseURL: String
    /// The `X-API-Key` of both partners (random per run).
    let apiKey: String

    /// Writes the scenario for `channels` channels into `directory` and starts the simulator.
    static func start(channels: Int, executable: URL, directory: URL) async throws -> BenchSimulator {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let apiKey = "bench-" + UUID().uuidString
        let scenario = directory.appendingPathComponent("bench-scenario.yml")
        try scenarioYAML(channels: channels, apiKey: apiKey).write(to: scenario, atomically: true, encoding: .utf8)
        let process = try ChildProcess(role: "simulator", executable: executable,
                                       arguments: ["simulate", "--scenario", scenario.path, "--port", "0"],
                                       outputFile: directory.appendingPathComponent("simulator.log"))
        do {
            // Generating 100,000 documents takes a few seconds before the server listens.
            let baseURL = try await process.waitForLine(timeout: .seconds(300)) { line -> String? in
                guard let range = line.range(of: "Simulated Partner API at ") else { return nil }
                return String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
            }
            return BenchSimulator(process: process, baseURL: baseURL, apiKey: apiKey)
        } catch {
            await process.stop()
            throw error
        }
    }

    /// Applies the next timeline step (1 % of `bench`'s channels drop to quality Low).
    func advance() async throws {
        let response = try await HTTPClient.shared.send(HTTPRequest(method: "POST", url: baseURL + "/_sim/advance"))
        guard (200..<300).contains(response.status) else {
            throw BenchError("simulator: POST /_sim/advance answered HTTP \(response.status)")
        }
    }

    /// Stops the subprocess.
    func stop() async { await process.stop() }

    /// The scenario: the channel template of `scenarios/bench-100k.yml`, sized to `channels`.
    static func scenarioYAML(channels: Int, apiKey: String) -> String {
        """
        partners:
          - id: \(benchPartner)
            api_key: \(apiKey)
            latency: \(Int(BenchOptions.pageLatency.seconds * 1000))ms
            generate:
              count: \(channels)
              template:
                id: "bench-{n:6}"
                status: ready
                client_id: "client-{n:4}"
                created_at: "2025-01-01T00:00:00Z"
                current_limit: TIER_1K
                current_quality_rating: High
                availability_status: ready
                is_oba: false
                settings: {tier: regular, throughput: {level: standard}}
                setup_info: {phone_number: "+49151{n:7}", phone_name: "Bench Shop {n}"}
                client: {id: "client-{n:4}", name: "Bench Client {n}"}
                waba_account: {id: "waba-{n}", status: approved, external_id: "10{n:8}", fb_business_id: "biz-{n:5}", namespace: "ns_{n}"}
                integration: {state: running, enabled: true, app_id: "app-{n}", hosting_platform_type: meta_cloud_api}
              overrides:
                - {every: 7, set: {current_quality_rating: Medium}}
                - {every: 11, set: {current_limit: TIER_10K}}
          - id: \(idlePartner)
            api_key: \(apiKey)
            generate:
              count: 10
              template: {id: "idle-{n:3}", status: ready, current_quality_rating: High}
        timeline:
          advance: manual
          steps:
            - name: 1 % of channels drop to quality Low
              changes: [{partner: \(benchPartner), every: 100, set: {current_quality_rating: Low}}]

        """
    }
}
