import Alerting
import Config
import Foundation
import Rules
import Testing

@Suite struct GroupingTests {
    func event(_ channel: String, rule: String = "messaging_limit_down", severity: Severity = .warning, waba: String = "w1") -> AlertEvent {
        let summary = ChannelSummary(id: channel, phoneNumber: "+49 \(channel)", wabaID: waba)
        var labels = summary.labels
        labels["rule"] = rule
        labels["severity"] = severity.rawValue
        labels["partner_id"] = "p1"
        return AlertEvent(id: UUID(), rule: rule, status: .changed, severity: severity, summary: "Messaging limit lowered",
                          description: "", partnerID: "p1", field: "current_limit", from: "TIER_10K", to: "TIER_1K",
                          observedAt: Date(timeIntervalSince1970: 1_790_000_000), labels: labels, channel: summary)
    }

    @Test func twoHundredChannelsOfOneWABAMakeOneDeliveryPerReceiver() throws {
        let router = Router(routes: [RouteConfig(receivers: ["slack", "audit"], groupBy: ["rule", "waba_id"])])
        let events = (1...200).map { event("c\($0)") }
        let planned = Grouping.plan(events: events, router: router)
        #expect(planned.map(\.receiver) == ["slack", "audit"])
        #expect(planned.allSatisfy { $0.events.count == 200 && $0.groupKey == "rule=messaging_limit_down,waba_id=w1" })

        let notification = Grouping.notification(for: planned[0], id: UUID())
        #expect(notification.events.count == NotificationPayload.maximumEvents)
        #expect(notification.truncatedEvents == 100)
        #expect(notification.events.first?.channel.id == "c1")
    }

    @Test func groupsSplitByGroupByLabelsAndKeepOrder() {
        let router = Router(routes: [RouteConfig(receivers: ["slack"], groupBy: ["rule", "waba_id"])])
        let events = [event("a", waba: "w1"), event("b", waba: "w2"), event("c", waba: "w1"), event("d", rule: "quality_low")]
        let planned = Grouping.plan(events: events, router: router)
        #expect(planned.map(\.groupKey) == [
            "rule=messaging_limit_down,waba_id=w1", "rule=messaging_limit_down,waba_id=w2", "rule=quality_low,waba_id=w1",
        ])
        #expect(planned[0].events.map(\.channel.id) == ["a", "c"])
    }

    @Test func payloadIsVersionOneWithSnakeCaseKeys() throws {
        let planned = Grouping.plan(events: [event("c1")], router: Router(routes: [RouteConfig(receivers: ["audit"])]))
        let id = UUID()
        let json = try JSONSerialization.jsonObject(with: Grouping.notification(for: planned[0], id: id).encoded()) as! [String: Any]
        #expect(json["version"] as? String == "1")
        #expect(json["delivery_id"] as? String == id.uuidString)
        #expect(json["group_key"] as? String == "rule=messaging_limit_down")
        #expect(json["receiver"] as? String == "audit")
        #expect(json["truncated_events"] as? Int == 0)
        let first = try #require((json["events"] as? [[String: Any]])?.first)
        #expect(first["observed_at"] as? String == "2026-09-21T14:13:20Z")
        #expect(Set(first.keys) == ["id", "rule", "status", "severity", "summary", "description", "partner_id", "field",
                                    "from", "to", "observed_at", "labels", "channel"])
        let channel = try #require(first["channel"] as? [String: Any])
        #expect(channel["phone_number"] as? String == "+49 c1")
        #expect(channel["waba_id"] as? String == "w1")
        #expect(channel["client_name"] is NSNull, "absent values are null, not missing keys")
        #expect(Set(channel.keys) == ["id", "phone_number", "phone_name", "client_id", "client_name", "waba_id", "waba_name", "business_id"])
    }
}
