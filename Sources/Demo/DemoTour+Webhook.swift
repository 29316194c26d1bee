import Alerting
import Config
import Foundation
import Inbound
import JSON
import Logging
import PartnerAPI
import Postgres
import Worker

extension DemoTour {
    /// The platform secret the demo partner signs its webhooks with.
    static let webhookSecret = Secret("demo-platform-secret")

    /// What the finale did.
    struct Finale {
        var events: [AlertEvent] = []
        var deliveries = 0
        var delivered = 0
        /// From the change to its notification.
        var seconds: Double?
    }

    /// The event-driven finale: the poll interval is an hour now, the simulator posts a signed
    /// partner webhook for one more change, and ChannelWatch re-reads that channel at once.
    func webhookFinale(simulator: PartnerAPISimulator, settings: WorkerSettings, database: PostgresClient,
                       poller: any PartnerPolling) async throws -> Finale {
        guard let partner = settings.config.partners.first else { return Finale() }
        let store = WorkerSettingsStore(settings)
        let endpoint = InboundEndpoint(
            authentication: { store.settings.partner($0)?.webhook.map(InboundListener.authentication) },
            inbox: InboundInbox(database: database), logger: logger, count: { _, _, _ in })
        let server = try InboundHTTPServer.start(host: "127.0.0.1", port: 0, handler: .async { await endpoint.handle($0) })
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)/webhooks/360dialog/\(partner.id)"
        await simulator.setWebhook(ScenarioWebhook(url: url, secret: Self.webhookSecret.revealed), partnerID: partner.id)
        let loop = PartnerPollLoop(partnerID: partner.id, settings: store, database: database, poller: poller,
                                   metrics: WorkerMetrics(), logger: logger, wakeDelivery: {})

        say("")
        say("── Between polls (the next one is an hour away): Hamburg Harbour Tours' quality drops, and 360dialog tells us")
        say("   the simulator posts a signed partner webhook to \(url)")
        let started = ContinuousClock.now
        await simulator.apply(TimelineStep(name: "Hamburg drops to Low", changes: [
            ChannelChange(partnerID: partner.id, action: .set(selection: .ids(["ch-hamburg"]),
                                                              fields: [(JSONPath("current_quality_rating"), .string("Low"))])),
        ]))
        var finale = Finale()
        for _ in 0..<200 {
            if case .reread(let channels, _) = await loop.processInbound() {
                let rows = try await database.query("""
                    SELECT \(AlertEvent.columns) FROM events WHERE poll_id = (SELECT max(id) FROM polls WHERE targeted)
                    ORDER BY observed_at, rule
                    """)
                finale.events = try rows.map(AlertEvent.init(row:))
                say("   webhook received and stored, \(channels) channel re-read at once (a targeted poll): "
                    + "\(finale.events.count) events")
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        for event in finale.events {
            say("   why: \(event.rule) \(event.status) — \(event.description.isEmpty ? event.summary : event.description)")
        }
        let delivered = try await settings.deliveryWorker.deliverDue()
        finale.delivered = delivered.delivered
        finale.deliveries = delivered.delivered + delivered.retrying + delivered.dead
        let seconds = (ContinuousClock.now - started).components
        finale.seconds = Double(seconds.seconds) + Double(seconds.attoseconds) / 1e18
        say("   change → notification: \(String(format: "%.2f", finale.seconds ?? 0)) s, without waiting for the next poll")
        return finale
    }
}
