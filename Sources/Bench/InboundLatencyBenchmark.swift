import Config
import Curl
import Foundation
import Inbound
import JSON
import Logging
import Postgres
import Primitives
import Recording
import Worker

/// Inbound webhook received → notification received, at a partner of N channels: each round
/// lowers one channel's quality and posts a signed partner webhook naming it; the product's
/// partner loop re-reads that channel (a targeted poll), records it, and its delivery loop sends
/// the notification to the sink. Timed from the moment the webhook is posted to the moment the
/// sink has read the notification. `debounce` is 0 here: with the default 1 s, each figure would
/// grow by that second.
struct InboundLatencyBenchmark {
    let context: BenchContext
    let rules: LoadedRules
    static let partnerID = "inbound-latency"

    func run() async throws -> [BenchFigure] {
        let partner = LockedBox(SyntheticPartner(id: Self.partnerID, count: context.options.channels))
        let config = PartnerConfig(id: Self.partnerID, apiKey: Secret("unused"), baseURL: "http://127.0.0.1",
                                   webhook: PartnerWebhookConfig(secrets: [InboundAcceptBenchmark.secret], debounce: .zero))
        let pipeline = BenchPipeline(rules: rules, sinkURL: context.sink.url, groupBy: ["channel_id"], database: context.client,
                                     logger: context.logger, partners: [config])
        _ = try await pipeline.recorder.record(partner.value.poll(), firstPoll: .baseline, failingAfter: 3)

        let store = WorkerSettingsStore(pipeline.settings)
        let wakeups = InboundWakeups()
        let endpoint = InboundAcceptBenchmark.endpoint(for: Self.partnerID, database: context.client,
                                                       stored: { wakeups.wake($0) })
        let server = try InboundHTTPServer.start(host: "127.0.0.1", port: 0, handler: .async { await endpoint.handle($0) })
        defer { server.stop() }
        let stop = StopSignal()
        let quiet = InboundAcceptBenchmark.quiet
        let partnerLoop = PartnerPollLoop(partnerID: Self.partnerID, settings: store, database: context.client,
                                          poller: SyntheticPoller(partner: partner), metrics: pipeline.metrics, logger: quiet,
                                          inboundWakeups: wakeups, wakeDelivery: {})
        let deliveryLoop = DeliveryLoop(settings: store, database: context.client, metrics: pipeline.metrics, logger: quiet,
                                        wake: WakeSignal())
        let loops = [Task { await partnerLoop.run(until: stop) }, Task { await deliveryLoop.run(until: stop) }]
        let measured: Result<[Double], any Error>
        do {
            // The loop's first cycle finds the baseline just recorded and skips its full poll
            // ("polled recently"); a second is plenty for that, and for it to wait for events.
            try await Task.sleep(for: .seconds(1))
            measured = .success(try await rounds(partner: partner, url: "http://127.0.0.1:\(server.port)/webhooks/360dialog/\(Self.partnerID)"))
        } catch {
            measured = .failure(error)
        }
        stop.stop()
        for loop in loops { await loop.value }
        let latencies = try measured.get().sorted()
        let note = "\(latencies.count) webhooks at a \(context.options.channels)-channel partner, 1 channel changed each; "
            + "mean \(BenchReport.format(latencies.reduce(0, +) / Double(max(latencies.count, 1)), "ms"))"
        return [
            BenchFigure(key: "inbound_to_notification_p50_ms", label: "inbound webhook → notification received: p50",
                        value: LatencyBenchmark.percentile(latencies, 50), unit: "ms", note: note),
            BenchFigure(key: "inbound_to_notification_p99_ms", label: "inbound webhook → notification received: p99",
                        value: LatencyBenchmark.percentile(latencies, 99), unit: "ms", target: 250,
                        note: "max \(BenchReport.format(latencies.last ?? 0, "ms")); debounce 0"),
        ]
    }

    private func rounds(partner: LockedBox<SyntheticPartner>, url: String) async throws -> [Double] {
        var latencies: [Double] = []
        for round in 0..<context.options.latencyRounds {
            let marker = partner.withLock { partner in
                partner.lowerQuality(of: round)
                return partner.channelID(round)
            }
            context.sink.watch(marker)
            let body = Data(#"{"id": "latency-\#(round)", "event": "channel_updated", "data": {"id": "\#(marker)"}}"#.utf8)
            let sent = Date()
            let response = try await HTTPClient.shared.send(HTTPRequest(
                method: "POST", url: url,
                headers: [HTTPHeader(name: InboundSignature.headerName,
                                     value: InboundSignature.headerValue(body: body, secret: InboundAcceptBenchmark.secret))],
                body: body, timeout: .seconds(10)))
            guard response.status == 200 else { throw BenchError("inbound latency: round \(round + 1) answered \(response.status)") }
            let deadline = ContinuousClock.now + .seconds(30)
            var arrival: Date?
            while arrival == nil, ContinuousClock.now < deadline {
                arrival = context.sink.arrival(of: marker)
                if arrival == nil { try await Task.sleep(for: .milliseconds(1)) }
            }
            guard let arrival else { throw BenchError("inbound latency: round \(round + 1)'s notification did not arrive within 30 s") }
            latencies.append(arrival.timeIntervalSince(sent) * 1000)
        }
        return latencies
    }
}

/// The synthetic partner as the Partner API would serve it: the whole listing, or only the
/// channels a targeted re-read asks for with `filters={"id": [...]}`.
struct SyntheticPoller: PartnerPolling {
    let partner: LockedBox<SyntheticPartner>

    func poll(_ config: PartnerConfig, deadline: Duration) async -> ObservedPoll {
        let all = partner.value.poll()
        guard case .array(let wanted)? = config.filters["id"] else { return all }
        let ids = Set(wanted.compactMap(\.scalarText))
        return ObservedPoll(partnerID: all.partnerID, startedAt: all.startedAt, finishedAt: Date(),
                            channels: all.channels.filter { ids.contains($0.id) }, pages: 1, failure: nil)
    }
}
