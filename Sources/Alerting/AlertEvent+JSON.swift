import Foundation
import JSON

// Hand-written JSON for the shapes every poll and delivery writes thousands of times: the same
// JSON as `AlertEvent.encoder` (sorted keys, optional fields as `null`, ISO 8601 dates in whole
// seconds), at a tenth of `JSONEncoder`'s cost. Members are written in sorted key order.

extension ChannelSummary {
    /// Appends this channel's JSON object.
    public func write(into json: inout JSONBytes) {
        json.beginObject()
        json.member("business_id", businessID)
        json.member("client_id", clientID)
        json.member("client_name", clientName)
        json.member("id", id)
        json.member("phone_name", phoneName)
        json.member("phone_number", phoneNumber)
        json.member("waba_id", wabaID)
        json.member("waba_name", wabaName)
        json.endObject()
    }

    /// This channel's JSON text (the `events.channel` column).
    public var jsonText: String {
        var json = JSONBytes(capacity: 256)
        write(into: &json)
        return json.string
    }
}

extension AlertEvent {
    /// Appends this event's JSON object (payload v1's `events[]` item).
    public func write(into json: inout JSONBytes) {
        json.beginObject()
        json.key("channel")
        channel.write(into: &json)
        json.member("description", description)
        json.member("field", field)
        json.member("from", from)
        json.member("id", id.uuidString)
        json.key("labels")
        json.object(labels)
        json.member("observed_at", JSONBytes.iso8601(observedAt))
        json.member("partner_id", partnerID)
        json.member("rule", rule)
        json.member("severity", severity.rawValue)
        json.member("status", status.rawValue)
        json.member("summary", summary)
        json.member("to", to)
        json.endObject()
    }

    /// The JSON text of per-receiver recipient values (the `events.recipients` column).
    public static func jsonText(of recipients: [String: [String]]) -> String {
        var json = JSONBytes(capacity: 128)
        json.beginObject()
        for receiver in recipients.keys.sorted() {
            json.key(receiver)
            jsonArray(recipients[receiver]!, into: &json)
        }
        json.endObject()
        return json.string
    }

    /// The JSON text of one recipient's values (the `deliveries.recipient` column).
    public static func jsonText(of values: [String]) -> String {
        var json = JSONBytes(capacity: 64)
        jsonArray(values, into: &json)
        return json.string
    }

    private static func jsonArray(_ values: [String], into json: inout JSONBytes) {
        json.beginArray()
        for value in values { json.string(value) }
        json.endArray()
    }

    /// The JSON text of `labels` (the `events.labels` column).
    public static func jsonText(of labels: [String: String]) -> String {
        var json = JSONBytes(capacity: 128)
        json.object(labels)
        return json.string
    }
}

extension NotificationPayload {
    /// The payload's JSON bytes as sent to webhooks.
    public func encoded() -> Data {
        var json = JSONBytes(capacity: 256 + 1_024 * events.count)
        json.beginObject()
        json.member("delivery_id", deliveryID.uuidString)
        json.key("events")
        json.beginArray()
        for event in events { event.write(into: &json) }
        json.endArray()
        json.member("group_key", groupKey)
        json.member("receiver", receiver)
        json.key("truncated_events")
        json.int(truncatedEvents)
        json.member("version", version)
        json.endObject()
        return json.data
    }
}
