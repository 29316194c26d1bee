import Alerting
import Config
import Foundation
import Postgres
import TestSupport
import Testing
import Worker

/// `/healthz`, `/readyz` and `/metrics` over real HTTP, with a real poll and delivery behind them.
@Suite struct HealthServerTests {
    @Test func readyAfterThePollThenUnavailableWhenAPartnerGoesStale() async throws {
        try await TestDatabaseScope.with { database in
            let poller = FixedPoller()
            let config = WorkerHarness.config(interval: .seconds(1), listen: "127.0.0.1:0", database: database)
            let running = try await WorkerHarness.start(config: config, database: database, poller: poller,
                                                        receivers: [RecordingReceiver(name: "ops")],
                                                        logger: WorkerHarness.logger(LogCapture()))
            let port = try #require(await running.service.healthServer?.boundPort)
            let health = try await httpGet(port: port, "/healthz")
            #expect(health.status == 200 && health.body == "ok\n")
            try await WorkerHarness.eventually("the first poll, recorded") {
                try await WorkerHarness.count(database, "SELECT count(*) FROM polls") >= 1
            }
            try await WorkerHarness.eventually("ready") { try await httpGet(port: port, "/readyz").status == 200 }

            // The poll hangs: after 2 × interval the partner is stale.
            poller.setPaused(true)
            try await WorkerHarness.eventually("/readyz to report the stale partner") {
                try await httpGet(port: port, "/readyz").status == 503
            }
            let stale = try await httpGet(port: port, "/readyz")
            #expect(stale.body.hasPrefix("partner p1: last poll "), "\(stale.body)")
            #expect(stale.contentType.hasPrefix("text/plain"))

            poller.setPaused(false)
            try await WorkerHarness.eventually("/readyz to recover") { try await httpGet(port: port, "/readyz").status == 200 }
            let shutdown = try await running.shutDown()
            #expect(shutdown < .seconds(10))
        }
    }

    @Test func withHTTPAuthMetricsNeedCredentialsAndTheProbesStayOpen() async throws {
        try await TestDatabaseScope.with { database in
            var config = WorkerHarness.config(interval: .seconds(1), listen: "127.0.0.1:0", database: database)
            config.httpAuth = HTTPAuthConfig(bearerTokens: [.init(name: "prometheus", token: Secret("scrape-token-0123456789abcdef"))])
            let poller = FixedPoller()
            poller.setPaused(true)
            let running = try await WorkerHarness.start(config: config, database: database, poller: poller,
                                                        receivers: [RecordingReceiver(name: "ops")],
                                                        logger: WorkerHarness.logger(LogCapture()))
            let port = try #require(await running.service.healthServer?.boundPort)
            #expect(try await httpGet(port: port, "/healthz").status == 200)
            // The partner is never polled: after 2 × interval it is stale. Strangers learn only that.
            try await WorkerHarness.eventually("/readyz to report the stale partner") {
                try await httpGet(port: port, "/readyz").status == 503
            }
            #expect(try await httpGet(port: port, "/readyz").body == "not ready\n")
            let detailed = try await httpSend(port: port, "GET", "/readyz", contentType: nil,
                                              headers: ["Authorization": "Bearer scrape-token-0123456789abcdef"])
            #expect(detailed.body.hasPrefix("partner p1:"), "\(detailed.body)")
            let metrics = try await httpGet(port: port, "/metrics")
            #expect(metrics.status == 401 && !metrics.body.contains("channelwatch_"))
            #expect(try await httpGet(port: port, "/").status == 401)
            #expect(try await httpGet(port: port, "/api/v1/alerts").status == 401)
            let scraped = try await httpSend(port: port, "GET", "/metrics", contentType: nil,
                                             headers: ["Authorization": "Bearer scrape-token-0123456789abcdef"])
            #expect(scraped.status == 200 && scraped.body.contains("channelwatch_delivery_queue_depth"))
            poller.setPaused(false)
            try await running.shutDown()
        }
    }

    @Test func metricsParseAsPrometheusTextAndHaveEveryMetric() async throws {
        try await TestDatabaseScope.with { database in
            let poller = FixedPoller(channelIDs: ["c1"], quality: "High")
            let ops = RecordingReceiver(name: "ops")
            let config = WorkerHarness.config(interval: .milliseconds(500), listen: "127.0.0.1:0", database: database)
            let running = try await WorkerHarness.start(config: config, database: database, poller: poller,
                                                        receivers: [ops], logger: WorkerHarness.logger(LogCapture()))
            try await WorkerHarness.eventually("the first poll") { poller.pollCount("p1") >= 1 }
            poller.setChannels([FixedPoller.channel("c1", quality: "Low")])
            try await WorkerHarness.eventually("one delivery") { ops.eventLines == ["quality_low c1 firing"] }
            // The gauges refresh every 200 ms; wait for the firing alert to show.
            let port = try #require(await running.service.healthServer?.boundPort)
            var response = try await httpGet(port: port, "/metrics")
            try await WorkerHarness.eventually("the gauges after the delivery") {
                response = try await httpGet(port: port, "/metrics")
                return response.body.contains("channelwatch_alerts_firing{rule=\"quality_low\"} 1")
                    && response.body.contains(#"channelwatch_channels_by_state{partner="p1",field="current_quality_rating",value="Low"} 1"#)
                    && response.body.contains("channelwatch_delivery_queue_depth 0")
                    && response.body.contains("channelwatch_delivery_latency_seconds_count")
            }
            try await running.shutDown()

            #expect(response.status == 200)
            #expect(response.contentType.hasPrefix("text/plain; version=0.0.4"))
            let parsed = try PrometheusTextParser(response.body)
            for name in WorkerMetrics.Name.all {
                #expect(!parsed.samples(of: name).isEmpty, "\(name) is exported")
            }
            #expect(parsed.types["channelwatch_poll_duration_seconds"] == "histogram")
            #expect(parsed.types["channelwatch_delivery_latency_seconds"] == "histogram")
            #expect(parsed.types["channelwatch_polls_total"] == "counter")
            #expect(parsed.samples.contains {
                $0.name == "channelwatch_polls_total" && $0.labels == ["partner": "p1", "outcome": "complete"] && $0.value >= 2
            })
            #expect(parsed.samples.contains { $0.name == "channelwatch_channels" && $0.labels == ["partner": "p1"] && $0.value == 1 })
            #expect(parsed.samples.contains {
                $0.name == "channelwatch_events_total" && $0.labels == ["rule": "quality_low", "status": "firing"] && $0.value == 1
            })
            #expect(parsed.samples.contains {
                $0.name == "channelwatch_deliveries_total" && $0.labels == ["receiver": "ops", "outcome": "delivered"]
                    && $0.value == 1
            })
            #expect(parsed.samples.contains { $0.name == "channelwatch_delivery_latency_seconds_count" && $0.value == 1 })
            #expect(parsed.samples.contains { $0.name == "channelwatch_delivery_queue_depth" && $0.value == 0 })
            #expect(!response.body.contains("key-p1"), "no API key in any label")
        }
    }
}
