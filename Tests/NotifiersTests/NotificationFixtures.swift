import Alerting
import enum Rules.FactStatus
import enum Rules.Severity
import Foundation
import Testing

/// Payloads and secrets shared by the Notifiers tests.
enum Fixtures {
    /// 2026-11-24T10:00:00Z.
    static let observedAt = Date(timeIntervalSince1970: 1_795_514_400)

    /// A Slack-like path: the credential a reason must never show.
    static let slackPath = "/services/T0SECRETTEAM/B0SECRETHOOK/xoxbSuperSecretToken42"

    /// One quality event on channel number `index`.
    static func event(_ index: Int = 1, status: FactStatus = .firing, severity: Severity = .critical,
                      summary: String? = nil, description: String? = nil, phoneName: String? = nil) -> AlertEvent {
        let channel = ChannelSummary(
            id: "ch-\(index)", phoneNumber: "+49 30 1234 \(index)", phoneName: phoneName ?? "Acme Berlin \(index)",
            clientID: "client-7", clientName: "Acme GmbH", wabaID: "waba-123", wabaName: "Acme WABA",
            businessID: "biz-9")
        return AlertEvent(
            id: UUID(), rule: "quality_low", status: status, severity: severity,
            summary: summary ?? "Quality rating of +49 30 1234 \(index) dropped to Low",
            description: description ?? "Messages from this number may be limited soon. Check the template feedback.",
            partnerID: "partner-1", field: "current_quality_rating", from: "High", to: "Low",
            observedAt: observedAt, labels: ["rule": "quality_low", "severity": severity.rawValue], channel: channel)
    }

    /// A payload listing `count` events and counting `truncated` more.
    static func payload(events count: Int = 1, truncated: Int = 0, receiver: String = "ops",
                        deliveryID: UUID = UUID()) -> NotificationPayload {
        NotificationPayload(
            deliveryID: deliveryID, groupKey: "rule=quality_low", receiver: receiver,
            events: (1...max(count, 1)).prefix(count).map { event($0) }, truncatedEvents: truncated)
    }

    /// A payload with the given events.
    static func payload(_ events: [AlertEvent], receiver: String = "ops") -> NotificationPayload {
        NotificationPayload(deliveryID: UUID(), groupKey: "rule=quality_low", receiver: receiver,
                            events: events, truncatedEvents: 0)
    }
}

/// The reason of a `.retry` or `.dead` outcome; `nil` for `.delivered`.
extension DeliveryOutcome {
    var reason: String? {
        switch self {
        case .delivered: nil
        case .retry(_, let reason), .dead(let reason): reason
        }
    }

    var isRetry: Bool {
        if case .retry = self { return true }
        return false
    }

    var isDead: Bool {
        if case .dead = self { return true }
        return false
    }
}

/// Fails the test if `text` contains any of `secrets` (or a 12-character piece of one).
func expectNoSecret(_ text: String?, _ secrets: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    guard let text else { return }
    for secret in secrets {
        #expect(!text.contains(secret), "secret leaked into: \(text)", sourceLocation: sourceLocation)
        if secret.count > 12 {
            let piece = String(secret.suffix(12))
            #expect(!text.contains(piece), "part of a secret leaked into: \(text)", sourceLocation: sourceLocation)
        }
    }
}
