import Alerting
import Foundation
import Rules

extension NotificationPayload {
    /// The rule name of the synthetic event `notify-test` sends.
    public static let testRule = "notify_test"

    /// A clearly marked test notification for `receiver`: one synthetic event on a made-up
    /// channel, so an operator can check a receiver end to end without waiting for an incident.
    ///
    /// Send it with kind `.test`; every receiver then marks it as a test as well.
    public static func test(receiver: String, partnerID: String = "notify-test",
                            now: Date = Date(), deliveryID: UUID = UUID()) -> NotificationPayload {
        let channel = ChannelSummary(
            id: "notify-test-channel", phoneNumber: "+00 000 000 0000", phoneName: "ChannelWatch test channel",
            clientID: "notify-test-client", clientName: "Test client", wabaID: "notify-test-waba",
            wabaName: "Test WABA", businessID: nil)
        var labels = channel.labels
        labels["rule"] = testRule
        labels["severity"] = Severity.info.rawValue
        labels["partner_id"] = partnerID
        let event = AlertEvent(
            id: UUID(), rule: testRule, status: .firing, severity: .info,
            summary: "Test notification from ChannelWatch",
            description: "Sent by `channelwatch notify-test \(receiver)` to check that this receiver works. "
                + "No channel changed; no action is needed.",
            partnerID: partnerID, field: "current_quality_rating", from: "High", to: "Medium",
            observedAt: now, labels: labels, channel: channel)
        return NotificationPayload(
            deliveryID: deliveryID, groupKey: "rule=\(testRule)", receiver: receiver,
            events: [event], truncatedEvents: 0)
    }
}
