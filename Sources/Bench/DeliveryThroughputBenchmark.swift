import Alerting
import Foundation
import Logging
import Postgres

/// Deliveries per second to a local webhook sink, each recorded in PostgreSQL: a poll
/// that changes D channels queues D deliveries (one group per channel), then one timed
/// `deliverDue()` claims, sends and settles them all.
struct DeliveryThroughputBenchmark {
    let context: BenchContext
    let pipeline: BenchPipeline

    func run() async throws -> [BenchFigure] {
        var partner = SyntheticPartner(id: "throughput", count: context.options.deliveries)
        _ = try await pipeline.recorder.record(partner.poll(), firstPoll: .baseline, failingAfter: 3)
        for index in 0..<context.options.deliveries { partner.lowerQuality(of: index) }
        let queueWatch = Stopwatch()
        let outcome = try await pipeline.recorder.record(partner.poll(), firstPoll: .notify, failingAfter: 3)
        let queueSeconds = queueWatch.wallSeconds
        let pending = try await count("status = 'pending'")
        guard outcome.deliveries == context.options.deliveries, pending >= context.options.deliveries else {
            throw BenchError("deliveries: the poll queued \(outcome.deliveries) deliveries (\(pending) pending), "
                             + "expected \(context.options.deliveries)")
        }

        let requestsBefore = context.sink.requestCount
        let watch = Stopwatch()
        let summary = try await pipeline.deliveryWorker.deliverDue()
        let wall = watch.wallSeconds
        let cpu = watch.cpuSeconds
        let received = context.sink.requestCount - requestsBefore
        let recorded = try await count("status = 'delivered'")
        guard summary.delivered >= context.options.deliveries, received == summary.delivered, recorded >= summary.delivered else {
            throw BenchError("deliveries: delivered \(summary.delivered), sink received \(received), "
                             + "\(recorded) recorded as delivered; expected \(context.options.deliveries) each "
                             + "(\(summary.retrying) retrying, \(summary.dead) dead)")
        }
        let rate = Double(summary.delivered) / wall
        return [
            BenchFigure(key: "deliveries_per_second", label: "deliveries/s to a webhook sink, recorded in PostgreSQL",
                        value: rate, unit: "/s", target: 3000, comparison: .atLeast,
                        note: "\(summary.delivered) in \(BenchReport.format(wall, "s")), worker CPU \(BenchReport.format(cpu, "s")); "
                            + "queued by one poll in \(BenchReport.format(queueSeconds, "s"))"),
        ]
    }

    private func count(_ condition: String) async throws -> Int {
        try await context.client.query("SELECT count(*)::int8 AS n FROM deliveries WHERE \(condition)")[0].decode(Int.self, "n")
    }
}
