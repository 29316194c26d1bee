import Config
import Foundation
import Inbound
import Logging
import Postgres

/// `webhook_listen`: receives 360dialog's partner webhooks for the partners with a `webhook:`
/// block (as configured now: a reload changes secrets at once) and commits each accepted event
/// in the inbox before answering 200.
public final class InboundListener: Sendable {
    /// Where it listens.
    public let address: ListenAddress
    private let endpoint: InboundEndpoint
    private let logger: Logger

    /// `stored` is told the partner of each new event stored (to wake its poll loop).
    public init(address: ListenAddress, settings: WorkerSettingsStore, database: PostgresClient, metrics: WorkerMetrics,
                logger: Logger, stored: @escaping @Sendable (String) -> Void = { _ in }) {
        self.address = address
        self.logger = logger
        endpoint = InboundEndpoint(
            authentication: { partnerID in
                settings.settings.config.partners.first { $0.id == partnerID }?.webhook.map(InboundListener.authentication)
            },
            inbox: InboundInbox(database: database), logger: logger,
            count: { metrics.recordInbound(partner: $0, event: $1, outcome: $2) }, stored: stored)
    }

    /// How a partner's webhook block authenticates.
    public static func authentication(_ webhook: PartnerWebhookConfig) -> InboundAuthentication {
        InboundAuthentication(secrets: webhook.secrets, basicAuth: webhook.basicAuth.map {
            InboundBasicAuth(username: $0.username, password: $0.password)
        })
    }

    /// Binds the address and serves on threads of its own until ``InboundHTTPServer/stop()``.
    public func start() throws -> InboundHTTPServer {
        let endpoint = self.endpoint
        let server = try InboundHTTPServer.start(host: address.host, port: address.port, handler: .async { await endpoint.handle($0) })
        logger.info("receiving partner webhooks on POST /webhooks/360dialog/{partner_id}",
                    metadata: ["webhook_listen": "\(address.host):\(server.port)"])
        return server
    }
}
