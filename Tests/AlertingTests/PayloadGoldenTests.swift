import Alerting
import Foundation
import Testing

/// The stored and sent payload, byte for byte: receivers and the `deliveries` table depend on
/// these exact keys and strings, whatever types the code uses for status, severity and kind.
@Suite struct PayloadGoldenTests {
    static let event = AlertEvent(
        id: UUID(uuidString: "11111111-2222-3333-4444-555555555555")!, rule: "quality_low", status: .firing,
        severity: .critical, summary: "Quality of +49 30 1 dropped to Low", description: "Check templates.",
        partnerID: "p1", field: "quality_rating", from: "GREEN", to: nil,
        observedAt: Date(timeIntervalSince1970: 1_790_000_000),
        labels: ["rule": "quality_low", "severity": "critical", "partner_id": "p1", "channel_id": "c1"],
        channel: ChannelSummary(id: "c1", phoneNumber: "+49 30 1", wabaID: "w1"))

    static let eventJSON = #"{"channel":{"business_id":null,"client_id":null,"client_name":null,"id":"c1","phone_name":null,"phone_number":"+49 30 1","waba_id":"w1","waba_name":null},"description":"Check templates.","field":"quality_rating","from":"GREEN","id":"11111111-2222-3333-4444-555555555555","labels":{"channel_id":"c1","partner_id":"p1","rule":"quality_low","severity":"critical"},"observed_at":"2026-09-21T14:13:20Z","partner_id":"p1","rule":"quality_low","severity":"critical","status":"firing","summary":"Quality of +49 30 1 dropped to Low","to":null}"#

    @Test func anEventEncodesTheSameBytes() throws {
        let bytes = try AlertEvent.encoder.encode(Self.event)
        #expect(String(decoding: bytes, as: UTF8.self) == Self.eventJSON)
    }

    @Test func aPayloadEncodesTheSameBytes() throws {
        let payload = NotificationPayload(
            deliveryID: UUID(uuidString: "AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE")!, groupKey: "rule=quality_low",
            receiver: "ops", events: [Self.event], truncatedEvents: 3)
        let expected = #"{"delivery_id":"AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE","events":["# + Self.eventJSON
            + #"],"group_key":"rule=quality_low","receiver":"ops","truncated_events":3,"version":"1"}"#
        #expect(String(decoding: payload.encoded(), as: UTF8.self) == expected)
    }

    /// The hand-written writer and `JSONEncoder` agree byte for byte on awkward text too:
    /// quotes, backslashes, slashes, line breaks, control characters, non-ASCII and emoji.
    @Test func theHandWrittenWriterMatchesJSONEncoderOnAwkwardText() throws {
        var event = Self.event
        event.summary = "Say \"hi\" \\ a/b\n\r\t\u{01}\u{1F} Grüße 🚀 \u{2028}"
        event.description = ""
        event.from = nil
        event.labels["client"] = "Müller & Söhne / \"Berlin\""
        event.channel.wabaName = "ВАБА\\1"
        event.observedAt = Date(timeIntervalSince1970: 1_790_000_000.999)
        let payload = NotificationPayload(deliveryID: UUID(), groupKey: "k=\"v\"", receiver: "ops", events: [event, Self.event],
                                          truncatedEvents: 0)
        #expect(String(decoding: payload.encoded(), as: UTF8.self)
                == String(decoding: try AlertEvent.encoder.encode(payload), as: UTF8.self))
        #expect(event.channel.jsonText == String(decoding: try AlertEvent.encoder.encode(event.channel), as: UTF8.self))
        #expect(AlertEvent.jsonText(of: event.labels) == String(decoding: try AlertEvent.encoder.encode(event.labels), as: UTF8.self))
    }

    @Test func everyStatusAndSeverityDecodesFromItsStoredString() throws {
        for (status, severity) in [("firing", "critical"), ("resolved", "warning"), ("changed", "info")] {
            let json = Self.eventJSON
                .replacingOccurrences(of: #""status":"firing""#, with: #""status":"\#(status)""#)
                .replacingOccurrences(of: #""severity":"critical","status""#, with: #""severity":"\#(severity)","status""#)
            let decoded = try AlertEvent.decoder.decode(AlertEvent.self, from: Data(json.utf8))
            #expect(decoded.status.rawValue == status)
            #expect(decoded.severity.rawValue == severity)
            #expect(String(decoding: try AlertEvent.encoder.encode(decoded), as: UTF8.self) == json)
        }
    }
}
