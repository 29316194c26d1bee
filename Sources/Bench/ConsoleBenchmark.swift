import Alerting
import Config
import Console
import Foundation
import Logging
import Recording

/// The console and the API at a partner of N channels (100,000 by default) with N ÷ 10 alerts
/// firing (10,000): the time each page takes to answer inside the server (query and render,
/// what its `Server-Timing` header reports), p95 over 20 requests after 3 warm-ups.
///
/// The world is made by the product's own recorder: a baseline first poll of every channel,
/// then a poll in which every tenth drops to quality Low (an alert, a `quality_degraded` event
/// and a delivery each, grouped per channel); half of one percent of those deliveries are dead,
/// the rest delivered; 1,000 inbound webhooks and 50 silences are stored beside them.
struct ConsoleBenchmark {
    let context: BenchContext
    let pipeline: BenchPipeline
    static let partnerID = "console-bench"
    /// Requests timed per page, after the warm-up.
    static let samples = 20

    func run() async throws -> [BenchFigure] {
        let channels = context.options.channels
        let alerting = max(1, channels / 10)
        let world = try await seed(channels: channels, alerting: alerting)
        let database = pipeline.recorder.database
        let consoleContext = ConsoleContext(config: pipeline.settings.config, rules: pipeline.recorder.engine.rules)
        let app = ConsoleApp(database: database, logger: Logger(label: "bench.console")) { consoleContext }
        let alertID = try await database.query("SELECT id::text FROM alerts WHERE status = 'firing' LIMIT 1")[0].decode(String.self, at: 0)
        let pages: [(key: String, label: String, target: String)] = [
            ("overview", "overview (/)", "/"),
            ("alerts", "firing alerts, newest 50", "/alerts"),
            ("alerts_filtered", "alerts filtered by severity and WABA", "/alerts?severity=critical&waba=waba-7"),
            ("alerts_search", "alerts searched by name", "/alerts?search=Shop%20123"),
            ("alerts_number", "alerts searched by phone number", "/alerts?search=%2B49152000123"),
            ("alert", "an alert's history", "/alerts/\(alertID)"),
            ("events", "recent events", "/events"),
            ("deliveries_dead", "dead deliveries", "/deliveries?status=dead"),
            ("silences", "silences", "/silences"),
            ("webhooks", "inbound webhooks", "/webhooks"),
            ("api_alerts", "GET /api/v1/alerts?limit=100", "/api/v1/alerts?limit=100"),
            ("api_partners", "GET /api/v1/partners", "/api/v1/partners"),
        ]
        var figures: [BenchFigure] = []
        for page in pages {
            let parts = page.target.split(separator: "?", maxSplits: 1)
            let request = ConsoleRequest(method: "GET", path: String(parts[0]), query: parts.count > 1 ? String(parts[1]) : "",
                                         fromLoopback: true, peer: "127.0.0.1")
            var times: [Double] = []
            var renders: [Double] = []
            var bytes = 0
            for round in 0..<(3 + Self.samples) {
                let started = ContinuousClock.now
                let response = await app.respond(to: request)
                let milliseconds = (ContinuousClock.now - started).seconds * 1000
                guard response.status == 200 else {
                    throw BenchError("console: \(page.target) answered \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))")
                }
                if round >= 3 {
                    times.append(milliseconds)
                    renders.append(Self.renderMilliseconds(response) ?? 0)
                }
                bytes = response.body.count
            }
            times.sort()
            renders.sort()
            let p95 = times[min(times.count - 1, Int((Double(times.count) * 0.95).rounded(.up)) - 1)]
            figures.append(BenchFigure(
                key: "console_\(page.key)_p95_ms", label: "console: \(page.label)", value: p95, unit: "ms", target: 100,
                note: "\(world); p50 \(BenchReport.format(times[times.count / 2], "ms")) of which the template "
                    + "\(BenchReport.format(renders[renders.count / 2], "ms")), \(bytes / 1024) KiB"))
        }
        return figures
    }

    /// The template's time from a page's `Server-Timing: render;dur=…`.
    static func renderMilliseconds(_ response: ConsoleResponse) -> Double? {
        response.headers.first { $0.name == "Server-Timing" && $0.value.hasPrefix("render;dur=") }
            .flatMap { Double($0.value.dropFirst("render;dur=".count)) }
    }

    /// Records the world once; returns how it is described in the figures' notes.
    private func seed(channels: Int, alerting: Int) async throws -> String {
        var partner = SyntheticPartner(id: Self.partnerID, count: channels)
        _ = try await pipeline.recorder.record(partner.poll(), firstPoll: .baseline, failingAfter: 3)
        let step = max(1, channels / alerting)
        for index in stride(from: 0, to: channels, by: step) { partner.lowerQuality(of: index) }
        _ = try await pipeline.recorder.record(partner.poll(), firstPoll: .notify, failingAfter: 3)
        let database = pipeline.recorder.database
        try await database.execute("UPDATE deliveries SET status = 'delivered', delivered_at = now()")
        try await database.execute("""
            UPDATE deliveries SET status = 'dead', delivered_at = NULL, last_error = 'HTTP 400 invalid_payload (bench)'
            WHERE id IN (SELECT id FROM deliveries ORDER BY id LIMIT (SELECT count(*) / 200 FROM deliveries))
            """)
        try await database.execute("""
            INSERT INTO inbound_webhooks (partner_id, event_key, event, received_at, body, names, status, processed_at, outcome)
            SELECT $1, 'id:bench-' || n, CASE WHEN n % 3 = 0 THEN 'account_violation' ELSE 'channel_live' END,
                   now() - n * interval '1 minute', '{"event":"bench"}', '{"channel_ids":["console-bench-000001"]}',
                   'processed', now(), '{"channels":["console-bench-000001"],"targeted":true}'
            FROM generate_series(1, 1000) AS n
            """, [.text(Self.partnerID)])
        let store = SilenceStore(database: database)
        for number in 1...50 {
            try await store.add(Silence(matchers: [LabelMatcher(label: "waba_id", written: "waba-\(100_000 + number)")],
                                        startsAt: Date() - 60, endsAt: Date() + 3_600, comment: "bench \(number)", createdBy: "bench"))
        }
        let firing = try await database.query("SELECT count(*) FROM alerts WHERE status = 'firing'")[0].decode(Int.self, at: 0)
        let deliveries = try await database.query("SELECT count(*) FROM deliveries")[0].decode(Int.self, at: 0)
        try await database.execute("ANALYZE")
        return "\(channels) channels, \(firing) alerts firing, \(deliveries) deliveries"
    }
}
