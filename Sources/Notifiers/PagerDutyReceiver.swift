import Alerting
import Config
import Curl
import Foundation
import JSON

/// PagerDuty's Events API v2: one PagerDuty event per ChannelWatch event (PagerDuty groups
/// incidents itself), `trigger` for firing and changed, `resolve` for resolved, keyed so that a
/// resolve closes the incident its trigger opened.
///
/// The routing key goes only into the request body; reasons mask it.
public struct PagerDutyReceiver: Receiver {
    public let name: String
    private let settings: PagerDutySettings
    private let client: HTTPClient
    private let timeout: Duration

    public init(name: String, settings: PagerDutySettings, client: HTTPClient = .shared, timeout: Duration = .seconds(15)) {
        self.name = name
        self.settings = settings
        self.client = client
        self.timeout = timeout
    }

    /// Sends each listed event in order and stops at the first that is not accepted: a retry
    /// sends them all again, which PagerDuty merges by `dedup_key`. A truncated group ends with
    /// one event saying how many more there were.
    public func deliver(_ notification: NotificationPayload, kind: DeliveryKind) async -> DeliveryOutcome {
        let label = "pagerduty receiver '\(name)'"
        let reasonText = ReasonText(secrets: [settings.routingKey.revealed])
        let post = ReceiverPost(url: Secret(settings.url), service: .pagerDuty, label: label, client: client,
                                timeout: timeout, reasonText: reasonText, redaction: .standard)
        var events = notification.events.map {
            PagerDutyEvent($0, kind: kind, routingKey: settings.routingKey.revealed, consoleURL: settings.consoleURL)
        }
        if notification.truncatedEvents > 0 {
            events.append(PagerDutyEvent(moreThan: notification.truncatedEvents, groupKey: notification.groupKey,
                                         partnerID: notification.events.first?.partnerID ?? "", routingKey: settings.routingKey.revealed))
        }
        for event in events {
            let body: Data
            do {
                body = try event.encoded()
            } catch {
                return .dead(reason: "\(label): could not encode the PagerDuty event: \(error)")
            }
            let outcome = await post.send(body, headers: [HTTPHeader(name: "Content-Type", value: "application/json")])
            guard case .delivered = outcome else { return outcome }
        }
        return .delivered
    }
}

extension ReceiverService {
    /// PagerDuty's Events API v2: 202 is accepted; 400 names what is invalid in `errors`; 429 and
    /// 5xx are retried.
    public static let pagerDuty = ReceiverService(name: "PagerDuty", urlKind: "Events API v2 enqueue URL") { body in
        let parsed = try? JSONParser.parse(Data(body.utf8))
        let errors = parsed?["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let message = parsed?["message"]?.stringValue
        if message == nil && errors.isEmpty {
            return "PagerDuty refused the event; check the receiver's routing_key (an Events API v2 integration key) and url."
        }
        return "PagerDuty said: " + ([message].compactMap { $0 } + errors).joined(separator: "; ")
            + ". Check the routing_key is an Events API v2 integration key of an active service."
    }
}
