import Foundation
import JSON

/// What an inbound partner webhook says, read defensively because 360dialog documents its
/// payloads only as pictures: the 360dialog envelope `{id, event, data: {channel}}` (or the same
/// fields at the top level) and Meta-format relays
/// `{object, entry: [{id: <WABA id>, changes: [{field, value}]}]}`. Unknown events are fine:
/// every event is a reason to re-read what it names, never the truth about a channel.
public struct InboundEvent: Sendable, Equatable {
    /// The event's own id (top-level `id`), used to drop repeats; never a channel id.
    public var id: String?
    /// `event` (`channel_created`, `account_violation`, ...), a Meta relay's first `field`
    /// (`phone_number_quality_update`, `account_update`), or `""` when the body has neither.
    public var name: String
    /// The channels, numbers, WABAs and clients it names.
    public var references: ChannelReferences
    /// Whether it concerns a whole WABA (`account_violation`, `account_restriction`, a relayed
    /// `account_update`): every stored channel of the named WABAs is re-read.
    public var concernsWholeWABA: Bool

    /// Longest event name and id kept; longer ones are clipped (they are labels, not data).
    static let maximumTextLength = 200
    /// Most references of one kind kept from one event.
    static let maximumReferences = 1000

    /// Events about a WABA rather than one number.
    static let wabaWideEvents: Set<String> = ["account_violation", "account_restriction", "account_update"]

    /// Reads `body`; throws when it is not a JSON object (the only thing refused).
    public static func parse(_ body: Data) throws(InboundEventError) -> InboundEvent {
        let document: JSONValue
        do {
            document = try JSONParser.parse(body)
        } catch {
            throw InboundEventError(message: "the body is not JSON: \(error)")
        }
        guard case .object = document else {
            throw InboundEventError(message: "the body is JSON but not an object")
        }
        var references = ChannelReferences()
        var name = clipped(document["event"]?.scalarText) ?? ""
        let id = clipped(document["id"]?.scalarText)
        if document["object"]?.stringValue == "whatsapp_business_account" || document["entry"] != nil {
            name = readMetaRelay(document, into: &references) ?? name
        } else {
            readEnvelope(document, event: name, into: &references)
        }
        references.limit(to: maximumReferences)
        return InboundEvent(id: id, name: name, references: references,
                            concernsWholeWABA: wabaWideEvents.contains(name.lowercased()))
    }

    /// `data` first, then the top level: the channel object's fields as the Partner API names them.
    private static func readEnvelope(_ document: JSONValue, event: String, into references: inout ChannelReferences) {
        let data = document["data"]
        let isClientEvent = event.hasPrefix("client_")
        for object in [data, document].compactMap({ $0 }) {
            // A client event's `data` is a client object: its `id` is the client's.
            if object != document {
                if let id = text(object["id"]) {
                    if isClientEvent { references.clientIDs.append(id) } else { references.channelIDs.append(id) }
                }
            }
            references.channelIDs += [text(object["channel_id"])].compactMap { $0 }
            references.phoneNumbers += [text(object[path: "setup_info.phone_number"]), text(object["phone_number"])]
                .compactMap { $0 }
            references.wabaIDs += [text(object[path: "waba_account.id"]), text(object["waba_account_id"]),
                                   text(object["waba_id"])].compactMap { $0 }
            references.clientIDs += [text(object["client_id"]), text(object[path: "client.id"])].compactMap { $0 }
        }
        references.removeDuplicates()
    }

    /// `entry[].id` is a WABA id; `changes[].value` may name a number. Returns the first `field`.
    private static func readMetaRelay(_ document: JSONValue, into references: inout ChannelReferences) -> String? {
        guard case .array(let entries)? = document["entry"] else { return nil }
        var firstField: String?
        for entry in entries {
            if let waba = text(entry["id"]) { references.wabaIDs.append(waba) }
            guard case .array(let changes)? = entry["changes"] else { continue }
            for change in changes {
                if firstField == nil { firstField = clipped(change["field"]?.scalarText) }
                let value = change["value"]
                references.phoneNumbers += [text(value?["display_phone_number"]), text(value?["phone_number"])]
                    .compactMap { $0 }
            }
        }
        references.removeDuplicates()
        return firstField
    }

    /// A non-empty string or number, clipped.
    private static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)? where !text.isEmpty: clipped(text)
        case .number?: clipped(value?.scalarText)
        default: nil
        }
    }

    private static func clipped(_ text: String?) -> String? {
        guard let text else { return nil }
        return text.count > maximumTextLength ? String(text.prefix(maximumTextLength)) : text
    }
}

/// Why an inbound body was refused (answered 400).
public struct InboundEventError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// The channels an inbound event names, by what it names them with.
public struct ChannelReferences: Sendable, Equatable, Codable {
    public var channelIDs: [String] = []
    /// As sent; matched against stored numbers by their digits only (`+49 30 1` = `49301`).
    public var phoneNumbers: [String] = []
    public var wabaIDs: [String] = []
    public var clientIDs: [String] = []

    enum CodingKeys: String, CodingKey {
        case channelIDs = "channel_ids", phoneNumbers = "phone_numbers", wabaIDs = "waba_ids", clientIDs = "client_ids"
    }

    public init(channelIDs: [String] = [], phoneNumbers: [String] = [], wabaIDs: [String] = [], clientIDs: [String] = []) {
        self.channelIDs = channelIDs
        self.phoneNumbers = phoneNumbers
        self.wabaIDs = wabaIDs
        self.clientIDs = clientIDs
    }

    /// Whether it names nothing at all.
    public var isEmpty: Bool { channelIDs.isEmpty && phoneNumbers.isEmpty && wabaIDs.isEmpty && clientIDs.isEmpty }

    /// The phone numbers' digits, for matching however they are formatted.
    public var phoneDigits: [String] {
        phoneNumbers.map { String($0.filter(\.isNumber)) }.filter { !$0.isEmpty }
    }

    mutating func removeDuplicates() {
        func unique(_ values: [String]) -> [String] {
            var seen = Set<String>()
            return values.filter { seen.insert($0).inserted }
        }
        channelIDs = unique(channelIDs)
        phoneNumbers = unique(phoneNumbers)
        wabaIDs = unique(wabaIDs)
        clientIDs = unique(clientIDs)
    }

    mutating func limit(to count: Int) {
        channelIDs = Array(channelIDs.prefix(count))
        phoneNumbers = Array(phoneNumbers.prefix(count))
        wabaIDs = Array(wabaIDs.prefix(count))
        clientIDs = Array(clientIDs.prefix(count))
    }
}
