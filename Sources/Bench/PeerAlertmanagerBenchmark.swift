import Curl
import Foundation
import LocalPostgres
import Primitives

/// ChannelWatch against the peer it replaces, side by side on one sink: Prometheus Alertmanager
/// is given N ungrouped alerts (one notification each, to the bench's webhook sink), then
/// ChannelWatch delivers N deliveries, each recorded in PostgreSQL, to the same sink. Repeated
/// with `--runs`, the two alternate.
///
/// Alertmanager's rate runs from its first `POST /api/v2/alerts` to the N-th notification at the
/// sink (it keeps alerts in memory only); ChannelWatch's from its committed queue to the N-th
/// delivery recorded as delivered. Skipped, with a line saying so, when no Alertmanager binary
/// is installed (Debian: `apt-get install prometheus-alertmanager`).
struct PeerAlertmanagerBenchmark {
    let context: BenchContext
    let pipeline: BenchPipeline
    let progress: @Sendable (String) -> Void

    /// Alerts and deliveries per side: 10,000 (with `--quick`, 1,000 or `--deliveries` if fewer).
    var count: Int { context.options.quick ? min(1_000, context.options.deliveries) : 10_000 }

    /// `prometheus-alertmanager` (Debian's name) or `alertmanager` on `PATH`, or `$CHANNELWATCH_ALERTMANAGER`.
    static func binary(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let explicit = environment["CHANNELWATCH_ALERTMANAGER"], !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        let directories = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init) + ["/usr/bin"]
        for directory in directories {
            for name in ["prometheus-alertmanager", "alertmanager"] {
                let path = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: path) { return URL(fileURLWithPath: path) }
            }
        }
        return nil
    }

    func run() async throws -> [BenchFigure] {
        guard let binary = Self.binary() else {
            progress("  peer-alertmanager: skipped: no Alertmanager binary (apt-get install prometheus-alertmanager, "
                     + "or set CHANNELWATCH_ALERTMANAGER)")
            return []
        }
        let peer = try await alertmanagerRate(binary)
        let ours = try await DeliveryThroughputBenchmark(context: context, pipeline: pipeline)
            .deliver(count, partnerID: "peer-\(UUID().uuidString.prefix(8).lowercased())")
        let sameSink = "same webhook sink, \(count) ungrouped"
        return [
            BenchFigure(key: "peer_alertmanager_per_second", label: "Alertmanager notifications/s (\(peer.version))",
                        value: peer.rate, unit: "/s", note: "\(sameSink); from the first POST of the alerts, in memory only"),
            BenchFigure(key: "peer_channelwatch_per_second", label: "ChannelWatch deliveries/s, recorded in PostgreSQL",
                        value: ours.rate, unit: "/s", note: "\(sameSink); \(ours.note)"),
            BenchFigure(key: "peer_ratio", label: "ChannelWatch ÷ Alertmanager", value: ours.rate / peer.rate, unit: "×",
                        target: 1.5, comparison: .atLeast, note: "paired within the run"),
        ]
    }

    /// Starts Alertmanager on a free loopback port, posts `count` alerts and times their notifications.
    private func alertmanagerRate(_ binary: URL) async throws -> (rate: Double, version: String) {
        let directory = context.options.workDirectory.appendingPathComponent("alertmanager-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = directory.appendingPathComponent("alertmanager.yml")
        // `group_by: ['...']` makes every alert a group of its own: one notification per alert.
        try """
            route: {receiver: sink, group_by: ['...'], group_wait: 0s, group_interval: 1h, repeat_interval: 24h}
            receivers:
              - name: sink
                webhook_configs: [{url: "\(context.throughputSinkURL)", send_resolved: false}]
            """.write(to: config, atomically: true, encoding: .utf8)
        let port = try LoopbackPort.free()
        let base = "http://127.0.0.1:\(port)"
        let process = try ChildProcess(
            role: "alertmanager", executable: binary,
            arguments: ["--config.file=\(config.path)", "--storage.path=\(directory.path)",
                        "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=", "--log.level=warn"],
            outputFile: directory.appendingPathComponent("alertmanager.log"))
        do {
            try await waitUntilReady(base, process: process)
            let version = (try? await HTTPClient.shared.send(HTTPRequest(url: base + "/api/v2/status")))
                .flatMap { try? JSONSerialization.jsonObject(with: $0.body) as? [String: Any] }
                .flatMap { ($0["versionInfo"] as? [String: Any])?["version"] as? String }
                .map { "Alertmanager \($0)" } ?? "Alertmanager"
            let before = try await notificationsSent(base)
            let watch = Stopwatch()
            let run = UUID().uuidString.prefix(8)
            let startsAt = ISO8601DateFormatter().string(from: Date())
            for batch in stride(from: 0, to: count, by: 500) {
                let alerts = (batch..<min(batch + 500, count)).map { index in
                    ["labels": ["alertname": "ChannelWatchBench", "run": String(run), "channel_id": "c\(index)"],
                     "annotations": ["summary": "bench alert \(index)"], "startsAt": startsAt] as [String: Any]
                }
                let response = try await HTTPClient.shared.send(HTTPRequest(
                    method: "POST", url: base + "/api/v2/alerts", headers: [HTTPHeader(name: "Content-Type", value: "application/json")],
                    body: try JSONSerialization.data(withJSONObject: alerts)))
                guard (200..<300).contains(response.status) else {
                    throw BenchError("alertmanager: POST /api/v2/alerts answered HTTP \(response.status)")
                }
            }
            let deadline = ContinuousClock.now + .seconds(300)
            while try await notificationsSent(base) - before < count {
                guard ContinuousClock.now < deadline, process.isRunning else {
                    throw BenchError("alertmanager: \(try await notificationsSent(base) - before) of \(count) notifications sent "
                                     + "(\(process.exitDescription)): \(process.output.suffix(600))")
                }
                try await Task.sleep(for: .milliseconds(2))
            }
            let rate = Double(count) / watch.wallSeconds
            await process.stop()
            return (rate, version)
        } catch {
            await process.stop()
            throw error
        }
    }

    /// Notifications that reached the sink: counted by the bench's own sink, or — for an external
    /// one — by Alertmanager (`alertmanager_notifications_total` minus the failed, webhook integration).
    private func notificationsSent(_ base: String) async throws -> Int {
        guard context.options.sinkURL != nil else { return context.sink.requestCount }
        let metrics = try await HTTPClient.shared.send(HTTPRequest(url: base + "/metrics"))
        var sent = 0.0
        for line in String(decoding: metrics.body, as: UTF8.self).split(separator: "\n") where line.contains("integration=\"webhook\"") {
            let value = Double(line.split(separator: " ").last ?? "") ?? 0
            if line.hasPrefix("alertmanager_notifications_total{") { sent += value }
            if line.hasPrefix("alertmanager_notifications_failed_total{") { sent -= value }
        }
        return Int(sent)
    }

    private func waitUntilReady(_ base: String, process: ChildProcess) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let response = try? await HTTPClient.shared.send(HTTPRequest(url: base + "/-/ready", timeout: .seconds(2))),
               response.status == 200 { return }
            guard process.isRunning else {
                throw BenchError("alertmanager exited early (\(process.exitDescription)): \(process.output.suffix(600))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchError("alertmanager did not get ready within 30 s: \(process.output.suffix(600))")
    }
}
