import Foundation
import Rules

/// One recorded event as receivers see it: the webhook payload v1 `events[]` item.
///
/// Stored in the `events` table and copied into each delivery's payload, so a delivery can be
/// rendered and sent without reading anything else (and without any secret).
public struct AlertEvent: Codable, Hashable, Sendable {
    /// Stable id of the event.
    public var id: UUID
    /// The rule (or system alert) that produced it.
    public var rule: String
    /// Firing, resolved or changed (encoded as `firing`, `resolved`, `changed`).
    public var status: FactStatus
    /// Critical, warning or info (encoded as `critical`, `warning`, `info`).
    public var severity: Severity
    /// Rendered summary template.
    public var summary: String
    /// Rendered description template.
    public var description: String
    /// The partner whose channel it is.
    public var partnerID: String
    /// The watched field, when the rule has one.
    public var field: String?
    /// The field's value before.
    public var from: String?
    /// The field's value now.
    public var to: String?
    /// When the poll observed it.
    public var observedAt: Date
    /// Rule labels plus the routing labels (`rule`, `severity`, `partner_id`, `channel_id`, ...).
    public var labels: [String: String]
    /// Who and what the channel is.
    public var channel: ChannelSummary
    /// Per-client recipients: for each receiver with a templated `to`/`url` whose rendering for
    /// this event is valid, the values of its tags. Stored with the event, not part of payload v1.
    public var recipients: [String: [String]] = [:]

    enum CodingKeys: String, CodingKey {
        case id, rule, status, severity, summary, description
        case partnerID = "partner_id"
        case field, from, to
        case observedAt = "observed_at"
        case labels, channel
    }

    public init(id: UUID, rule: String, status: FactStatus, severity: Severity, summary: String, description: String,
                partnerID: String, field: String?, from: String?, to: String?, observedAt: Date,
                labels: [String: String], channel: ChannelSummary) {
        self.id = id
        self.rule = rule
        self.status = status
        self.severity = severity
        self.summary = summary
        self.description = description
        self.partnerID = partnerID
        self.field = field
        self.from = from
        self.to = to
        self.observedAt = observedAt
        self.labels = labels
        self.channel = channel
    }
}

/// The channel fields every message shows (payload v1's `channel` object).
public struct ChannelSummary: Codable, Hashable, Sendable {
    public var id: String
    public var phoneNumber: String?
    public var phoneName: String?
    public var clientID: String?
    public var clientName: String?
    public var wabaID: String?
    public var wabaName: String?
    public var businessID: String?

    enum CodingKeys: String, CodingKey {
        case id
        case phoneNumber = "phone_number"
        case phoneName = "phone_name"
        case clientID = "client_id"
        case clientName = "client_name"
        case wabaID = "waba_id"
        case wabaName = "waba_name"
        case businessID = "business_id"
    }

    public init(id: String, phoneNumber: String? = nil, phoneName: String? = nil, clientID: String? = nil,
                clientName: String? = nil, wabaID: String? = nil, wabaName: String? = nil, businessID: String? = nil) {
        self.id = id
        self.phoneNumber = phoneNumber
        self.phoneName = phoneName
        self.clientID = clientID
        self.clientName = clientName
        self.wabaID = wabaID
        self.wabaName = wabaName
        self.businessID = businessID
    }

    /// The routing labels this channel contributes.
    public var labels: [String: String] {
        var labels = ["channel_id": id]
        labels["client_id"] = clientID
        labels["waba_id"] = wabaID
        labels["business_id"] = businessID
        return labels
    }
}

extension AlertEvent {
    /// JSON coding shared by the store and the receivers: ISO 8601 dates, sorted keys.
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// The decoder matching ``encoder``.
    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

// Explicit encoders: optional fields are written as `null`, never left out, so the payload's
// shape is the same for every event and receivers can rely on every key being present.
extension AlertEvent {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(rule, forKey: .rule)
        try container.encode(status, forKey: .status)
        try container.encode(severity, forKey: .severity)
        try container.encode(summary, forKey: .summary)
        try container.encode(description, forKey: .description)
        try container.encode(partnerID, forKey: .partnerID)
        try container.encode(field, forKey: .field)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encode(observedAt, forKey: .observedAt)
        try container.encode(labels, forKey: .labels)
        try container.encode(channel, forKey: .channel)
    }
}

extension ChannelSummary {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(phoneNumber, forKey: .phoneNumber)
        try container.encode(phoneName, forKey: .phoneName)
        try container.encode(clientID, forKey: .clientID)
        try container.encode(clientName, forKey: .clientName)
        try container.encode(wabaID, forKey: .wabaID)
        try container.encode(wabaName, forKey: .wabaName)
        try container.encode(businessID, forKey: .businessID)
    }
}
