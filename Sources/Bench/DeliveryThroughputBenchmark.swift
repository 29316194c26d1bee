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
        let measured = try await deliver(context.options.deliveries, partnerID: "throughput")
        return [
            BenchFigure(key: "deliveries_per_second", label: "deliveries/s to a webhook sink, recorded in PostgreSQL",
                        value: measured.rate, unit: "/s", target: 3000, comparison: .atLeast, note: measured.note),
        ]
    }

    /// Queues `count` deliveries with one poll of a new partner, then times one `deliverDue()`
    /// that sends and records them all; throws unless each was sent and recorded exactly once.
    func deliver(_ count: Int, partnerID: String) async throws -> (rate: Double, note: String) {
        var partner = SyntheticPartner(id: partnerID, count: count)
        _ = try await pipeline.recorder.record(partner.poll(), firstPoll: .baseline, failingAfter: 3)
        for index in 0..<count { partner.lowerQuality(of: index) }
        let queueWatch = Stopwatch()
        let outcome = try await pipeline.recorder.record(partner.poll(), firstPoll: .notify, failingAfter: 3)
        let queueSeconds = queueWatch.wallSeconds
        let pending = try await self.count("status = 'pending'")
        guard outcome.deliveries == count, pending >= count else {
            throw BenchError("deliveries: the poll queued \(outcome.deliveries) deliveries (\(pending) pending), expected \(count)")
        }

        let requestsBefore = context.sink.requestCount
        let watch = Stopwatch()
        let summary = try await pipeline.deliveryWorker.deliverDue()
        let wall = watch.wallSeconds
        let cpu = watch.cpuSeconds
        // An external sink (`--sink-url`) cannot be counted here: the database's record stands for it.
        let received = context.options.sinkURL == nil ? context.sink.requestCount - requestsBefore : summary.delivered
        let recorded = try await self.count("status = 'delivered'")
        guard summary.delivered >= count, received == summary.delivered, recorded >= summary.delivered else {
            throw BenchError("deliveries: delivered \(summary.delivered), sink received \(received), "
                             + "\(recorded) recorded as delivered; expected \(count) each "
                             + "(\(summary.retrying) retrying, \(summary.dead) dead)")
        }
        return (Double(summary.delivered) / wall,
                "\(summary.delivered) in \(BenchReport.format(wall, "s")), worker CPU \(BenchReport.format(cpu, "s")); "
                    + "queued by one poll in \(BenchReport.format(queueSeconds, "s"))")
    }

    private func count(_ condition: String) async throws -> Int {
        try await context.client.query("SELECT count(*)::int8 AS n FROM deliveries WHERE \(condition)")[0].decode(Int.self, "n")
    }
}
