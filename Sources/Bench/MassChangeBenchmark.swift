import Alerting
import Config
import Foundation
import Recording

/// A portfolio-wide change: every channel of a 10,000-channel partner drops to quality Low in
/// one poll (a WABA banned, a tier change across the board), the moment partners most need
/// speed. The poll's pages arrive as fast as the process can take them (no network wait), and
/// are recorded while they arrive, as `channelwatch run` does. Timed from the last page: until
/// the recording transaction commits (20,000 events, 10,000 snapshots and 10,000 deliveries,
/// one per channel), and until the sink has received the last of the 10,000 webhooks.
struct MassChangeBenchmark {
    let context: BenchContext
    let pipeline: BenchPipeline
    static let partnerID = "mass-change"
    static let channels = 10_000

    func run() async throws -> [BenchFigure] {
        var partner = SyntheticPartner(id: Self.partnerID, count: Self.channels)
        _ = try await pipeline.recorder.record(partner.poll(), firstPoll: .baseline, failingAfter: 3)
        for index in 0..<Self.channels { partner.lowerQuality(of: index) }

        let requestsBefore = context.sink.requestCount
        let channels = partner.channels
        // Every page is there at once, as if the last one arrived now: the recorder takes them as
        // fast as it can (the stream holds the rest back), and the clock runs from here.
        let pagesEnded = Date()
        let stream = ObservedPollStream.start(partnerID: Self.partnerID, startedAt: pagesEnded) { emit in
            let started = pagesEnded
            for start in stride(from: 0, to: channels.count, by: BenchOptions.pageSize) {
                await emit(ObservedBatch(pass: 1, channels: Array(channels[start..<min(start + BenchOptions.pageSize, channels.count)])))
            }
            let finished = Date()
            return ObservedPoll(partnerID: Self.partnerID, startedAt: started, finishedAt: finished, channels: [],
                                channelCount: channels.count, pages: (channels.count + BenchOptions.pageSize - 1) / BenchOptions.pageSize,
                                failure: nil)
        }
        let watch = Stopwatch()
        let outcome = try await pipeline.recorder.record(stream, firstPoll: .notify, failingAfter: 3)
        let committed = Date()
        let recordCPU = watch.cpuSeconds
        guard outcome.changedChannels == Self.channels, outcome.deliveries == Self.channels else {
            throw BenchError("mass change: the poll wrote \(outcome.changedChannels) snapshots and queued \(outcome.deliveries) "
                             + "deliveries, expected \(Self.channels) each")
        }
        let summary = try await pipeline.deliveryWorker.deliverDue()
        let received = context.sink.requestCount - requestsBefore
        guard summary.delivered == Self.channels, received == Self.channels, let lastReceipt = context.sink.lastRequestAt else {
            throw BenchError("mass change: delivered \(summary.delivered), the sink received \(received); expected \(Self.channels) "
                             + "(\(summary.retrying) retrying, \(summary.dead) dead)")
        }
        let commitSeconds = committed.timeIntervalSince(pagesEnded)
        let lastWebhookSeconds = lastReceipt.timeIntervalSince(pagesEnded)
        return try await [
            BenchFigure(key: "mass_change_commit_seconds", label: "\(Self.channels) channels changed: last page → committed",
                        value: commitSeconds, unit: "s", target: 0.5,
                        note: "\(outcome.events.count) events, \(outcome.deliveries) deliveries, all 100 pages there at once; "
                            + "recording CPU \(BenchReport.format(recordCPU, "s"))"),
            BenchFigure(key: "mass_change_last_webhook_seconds", label: "\(Self.channels) channels changed: last page → last webhook received",
                        value: lastWebhookSeconds, unit: "s", target: 2,
                        note: "delivered \(summary.delivered) in \(BenchReport.format(lastReceipt.timeIntervalSince(committed), "s")) "
                            + "after the commit"),
        ] + silencedFigures()
    }

    /// The same change on another partner under a silence that matches all of it (every event
    /// recorded and held back), then the poll after the silence ended, which notifies the
    /// 10,000 alerts still firing once.
    private func silencedFigures() async throws -> [BenchFigure] {
        let partnerID = Self.partnerID + "-silenced"
        var partner = SyntheticPartner(id: partnerID, count: Self.channels)
        _ = try await pipeline.recorder.record(partner.poll(), firstPoll: .baseline, failingAfter: 3)
        for index in 0..<Self.channels { partner.lowerQuality(of: index) }
        let store = SilenceStore(database: pipeline.recorder.database)
        let silence = Silence(matchers: [LabelMatcher(label: "partner_id", written: partnerID)], startsAt: Date() - 60,
                              endsAt: Date() + 3600, comment: "bench", createdBy: "bench")
        try await store.add(silence)
        let held = Stopwatch()
        let silenced = try await pipeline.recorder.record(partner.poll(), firstPoll: .notify, failingAfter: 3)
        let heldSeconds = held.wallSeconds
        guard silenced.deliveries == 0, silenced.suppression.silenced == silenced.events.count else {
            throw BenchError("mass change under a silence: \(silenced.deliveries) deliveries queued, "
                             + "\(silenced.suppression.silenced) of \(silenced.events.count) events silenced")
        }
        _ = try await store.expire(silence.id, at: Date())
        let release = Stopwatch()
        let released = try await pipeline.recorder.record(partner.poll(), firstPoll: .notify, failingAfter: 3)
        let releaseSeconds = release.wallSeconds
        _ = try await pipeline.deliveryWorker.deliverDue()
        guard released.suppression.released > 0 else {
            throw BenchError("mass change under a silence: the poll after its end released nothing")
        }
        return [
            BenchFigure(key: "mass_change_silenced_commit_seconds",
                        label: "the same under a silence: poll recorded, all held back",
                        value: heldSeconds, unit: "s", target: nil,
                        note: "\(silenced.suppression.silenced) events silenced, nothing queued (whole poll, a collected one)"),
            BenchFigure(key: "mass_change_release_commit_seconds",
                        label: "the poll after the silence ended: alerts notified once",
                        value: releaseSeconds, unit: "s", target: nil,
                        note: "\(released.suppression.released) alerts released into \(released.deliveries) deliveries"),
        ]
    }
}
