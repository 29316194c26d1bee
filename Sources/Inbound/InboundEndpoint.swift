import Foundation
import Logging

/// `POST /webhooks/360dialog/{partner_id}`: judges a request (``InboundRequest``), commits an
/// accepted event in the inbox before answering 200, and answers every refusal with a JSON
/// error. Logs say what happened (partner, event, outcome, size) and never the body or a
/// header's value.
public struct InboundEndpoint: Sendable {
    /// How a partner authenticates now (configuration reloads change it); nil for a partner
    /// without a `webhook:` block.
    let authentication: @Sendable (String) -> InboundAuthentication?
    let inbox: InboundInbox
    let logger: Logger
    /// Counts a request by partner, event and outcome (`accepted`, `duplicate`, `unauthorized`, ...).
    let count: @Sendable (_ partner: String, _ event: String, _ outcome: String) -> Void
    /// Told the partner of each new event once it is committed (to re-read at once).
    let stored: @Sendable (_ partner: String) -> Void

    public init(authentication: @escaping @Sendable (String) -> InboundAuthentication?, inbox: InboundInbox,
                logger: Logger, count: @escaping @Sendable (_ partner: String, _ event: String, _ outcome: String) -> Void,
                stored: @escaping @Sendable (_ partner: String) -> Void = { _ in }) {
        self.authentication = authentication
        self.inbox = inbox
        self.logger = logger
        self.count = count
        self.stored = stored
    }

    public func handle(_ http: InboundHTTPRequest) async -> InboundHTTPResponse {
        let request = InboundRequest(http)
        let verdict = request.verdict(authentication: authentication)
        var metadata: Logger.Metadata = ["status": "\(verdict.status)", "bytes": "\(request.body.count)"]
        switch verdict {
        case .accepted(let partnerID, let event, let key):
            metadata["partner"] = "\(partnerID)"
            metadata["event"] = "\(event.name.isEmpty ? "-" : event.name)"
            do {
                switch try await inbox.store(partnerID: partnerID, event: event, key: key, body: request.body) {
                case .new(let id):
                    metadata["inbound_id"] = "\(id)"
                    logger.info("inbound event accepted", metadata: metadata)
                    count(partnerID, event.name, "accepted")
                    stored(partnerID)
                    return InboundHTTPResponse(status: 200, body: #"{"status":"accepted"}"#)
                case .duplicate(let id, let duplicates):
                    metadata["inbound_id"] = "\(id)"
                    metadata["duplicates"] = "\(duplicates)"
                    logger.info("inbound event repeated: counted, not processed again", metadata: metadata)
                    count(partnerID, event.name, "duplicate")
                    return InboundHTTPResponse(status: 200, body: #"{"status":"duplicate"}"#)
                }
            } catch {
                // Not stored, so not acknowledged: 360dialog delivers it again.
                logger.error("inbound event not stored: \(error); answered 503", metadata: metadata)
                count(partnerID, event.name, "unavailable")
                return .error(503, "the event could not be stored; retry later")
            }
        case .invalid(let partnerID, let reason):
            metadata["partner"] = "\(partnerID)"
            logger.warning("inbound request refused: \(reason)", metadata: metadata)
            count(partnerID, "", verdict.outcome)
            return .error(400, "the body must be a JSON object")
        case .unauthorized(let partnerID):
            metadata["partner"] = "\(partnerID)"
            logger.warning("inbound request refused: signature or credentials do not match", metadata: metadata)
            count(partnerID, "", verdict.outcome)
            return .error(401, "unauthenticated: x-360dialog-signature or Authorization does not match")
        case .tooLarge(let partnerID):
            metadata["partner"] = "\(partnerID)"
            logger.warning("inbound request refused: body over 1 MiB", metadata: metadata)
            count(partnerID, "", verdict.outcome)
            return .error(413, "the body is over 1 MiB")
        case .notFound:
            logger.notice("inbound request refused: no inbound partner at this path", metadata: metadata)
            count("", "", verdict.outcome)
            return .error(404, "not found: POST /webhooks/360dialog/{partner_id} of a partner with a webhook block")
        case .methodNotAllowed:
            count("", "", verdict.outcome)
            return .error(405, "only POST is accepted")
        }
    }
}
