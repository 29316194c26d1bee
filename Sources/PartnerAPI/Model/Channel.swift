import Foundation
import JSON

/// One WhatsApp channel (phone number) as the Partner API returned it.
///
/// Only `id` is required; everything else stays in ``rawJSON`` exactly as received, unknown
/// fields and unknown enum values included, so rules read any field by dotted path and the
/// stored snapshot is the full document. The document is parsed only when asked for: a poll
/// of 100,000 channels keeps their bytes, and only the changed ones are ever parsed.
public struct Channel: Sendable, Hashable, Identifiable {
    /// The channel id (`id` in the payload).
    public let id: String
    /// The channel object's JSON text as it appeared in the page (for storage as `jsonb`).
    public let rawJSON: Data

    /// Wraps an already-parsed document; `nil` when it is not an object with a string `id`.
    public init?(document: JSONValue, rawJSON: Data? = nil) {
        guard case .string(let id)? = document["id"], !id.isEmpty else { return nil }
        self.id = id
        self.rawJSON = rawJSON ?? document.compactJSON()
    }

    /// A channel read from a page: `rawJSON` was validated as an object whose `id` is `id`.
    init(id: String, validatedRawJSON: Data) {
        self.id = id
        self.rawJSON = validatedRawJSON
    }

    /// The whole channel object, parsed from ``rawJSON`` on each call (keep the result if it is used often).
    public var document: JSONValue {
        (try? JSONParser.parse(rawJSON)) ?? .null
    }

    /// The value at a dotted path (`waba_account.status`, `settings.tier`), or `nil` when absent.
    public subscript(path: JSONPath) -> JSONValue? { document[path: path] }

    /// The text at a dotted path when it is a scalar (enums are compared as strings).
    public func text(_ path: JSONPath) -> String? { document[path: path]?.scalarText }
}

extension Channel {
    /// The phone number (`setup_info.phone_number`).
    public var phoneNumber: String? { text("setup_info.phone_number") }
    /// Meta's display name of the number (`setup_info.phone_name`).
    public var phoneName: String? { text("setup_info.phone_name") }
    /// The owning client's id (`client_id`, else `client.id`).
    public var clientID: String? { text("client_id") ?? text("client.id") }
    /// The owning client's name (`client.name`).
    public var clientName: String? { text("client.name") }
    /// 360dialog's id of the WhatsApp Business Account (`waba_account.id`).
    public var wabaID: String? { text("waba_account.id") }
    /// Meta's WhatsApp Business Account id (`waba_account.external_id`).
    public var wabaExternalID: String? { text("waba_account.external_id") }
    /// The WABA's name: `waba_account.name` when the API sends it (it is sortable and filterable
    /// but not in the documented payload), else the on-behalf-of business name.
    public var wabaName: String? {
        text("waba_account.name") ?? text("waba_account.on_behalf_of_business_info.name")
    }
    /// Meta's business account id of the WABA's owner (`waba_account.fb_business_id`).
    public var businessID: String? { text("waba_account.fb_business_id") }
    /// Channel status (`status`), an open enum kept as text.
    public var status: String? { text("status") }
}
