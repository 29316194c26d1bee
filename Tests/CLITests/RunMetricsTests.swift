import Foundation
import Testing
import TestSupport

/// `/metrics` of a running `channelwatch run` after a poll and a delivery: valid Prometheus
/// text with every metric of issue F, labelled by partner, rule and receiver only. The worker
/// logs JSON lines (chosen by the environment), one per poll and one per delivery.
@Suite struct RunMetricsTests {
    @Test func metricsParseAsPrometheusTextAndCountThePollAndTheDelivery() async throws {
        let scenario = RunWorld.smallScenario(partner: "metrics-partner", steps: """
                - {name: c1 drops to Low, changes: [{channel: c1, set: {current_quality_rating: Low}}]}
            """)
        try await RunWorld.with(scenario: scenario) { world in
            let worker = try world.startWorker(extraEnvironment: ["CHANNELWATCH_LOG_FORMAT": "json"])
            try await world.eventually("the first poll", workers: [worker]) {
                try await world.count("SELECT count(*) FROM polls") >= 1
            }
            await world.simulator.advance()
            try await world.eventually("the notifications", workers: [worker]) {
                try await world.count("SELECT count(*) FROM deliveries WHERE status = 'delivered'") == 2
            }
            // The database gauges refresh every few seconds.
            var text = ""
            try await world.eventually("the firing alert in the gauges", workers: [worker]) {
                text = await worker.get("/metrics")?.body ?? ""
                return text.contains("channelwatch_alerts_firing{rule=\"quality_low\"} 1")
            }
            let stopped = await worker.terminate()
            #expect(stopped.status == 0, "\(worker.output.suffix(3000))")

            let metrics = try PrometheusTextParser(text)
            let expectedTypes = [
                "channelwatch_polls_total": "counter", "channelwatch_poll_duration_seconds": "histogram",
                "channelwatch_channels": "gauge", "channelwatch_events_total": "counter",
                "channelwatch_alerts_firing": "gauge", "channelwatch_deliveries_total": "counter",
                "channelwatch_delivery_queue_depth": "gauge",
                "channelwatch_oldest_pending_delivery_age_seconds": "gauge",
                "channelwatch_delivery_latency_seconds": "histogram",
            ]
            for (name, type) in expectedTypes {
                #expect(metrics.types[name] == type, "\(name) has TYPE \(metrics.types[name] ?? "none")")
            }
            func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
                metrics.samples.first { $0.name == name && $0.labels == labels }?.value
            }
            let partner = world.partnerID
            #expect((value("channelwatch_polls_total", ["partner": partner, "outcome": "complete"]) ?? 0) >= 2)
            #expect((value("channelwatch_poll_duration_seconds_count") ?? 0) >= 2)
            #expect(value("channelwatch_channels", ["partner": partner]) == 3)
            #expect(value("channelwatch_events_total", ["rule": "quality_low", "status": "firing"]) == 1)
            #expect(value("channelwatch_events_total", ["rule": "quality_degraded", "status": "changed"]) == 1)
            #expect(value("channelwatch_deliveries_total", ["receiver": "hook", "outcome": "delivered"]) == 2)
            #expect(value("channelwatch_delivery_queue_depth") == 0)
            #expect(value("channelwatch_oldest_pending_delivery_age_seconds") == 0)
            #expect(value("channelwatch_delivery_latency_seconds_count") == 2)
            #expect(!text.contains(RunWorld.apiKey) && !text.contains(world.database.connectionString))

            let lines = try worker.process.standardError.split(separator: "\n").map { line in
                try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
            }
            let polls = lines.filter { $0["msg"] as? String == "poll" }
            #expect(polls.count >= 2)
            #expect(polls.allSatisfy { $0["partner"] as? String == partner && $0["pages"] != nil && $0["channels"] != nil
                && $0["complete"] != nil && $0["events"] != nil && $0["duration"] != nil }, "\(polls)")
            #expect(lines.filter { $0["msg"] as? String == "delivered" }.count == 2)
        }
    }
}
