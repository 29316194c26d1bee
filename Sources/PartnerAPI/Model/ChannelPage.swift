import Foundation
import JSON

/// One decoded page of `GET /api/v2/partners/{partner_id}/channels` (`PartnerChannelsPublicOut`).
public struct ChannelPage: Sendable {
    /// `total`: how many channels match, as the server counted them for this page.
    public var total: Int?
    /// `count`: how many channels this page holds, as the server says.
    public var count: Int?
    /// `limit` echoed by the server (may be lower than asked when the server caps page size).
    public var limit: Int?
    /// `offset` echoed by the server.
    public var offset: Int?
    /// The channels, in page order.
    public var channels: [Channel]

    /// Decodes a page leniently: only the `partner_channels` array and each channel's `id` are
    /// required; every other field is optional and kept as received. Every byte is validated,
    /// but the channel documents are not built (see ``Channel/document``).
    public static func decode(_ data: Data) throws(ChannelPageError) -> ChannelPage {
        let parsed: (members: [String: JSONValue]?, elements: [SkimmedElement], hasArray: Bool)
        do {
            parsed = try JSONParser.parseSkimmingElements(data, of: "partner_channels")
        } catch {
            throw .malformedJSON(error.description)
        }
        guard let members = parsed.members else {
            throw .unexpectedShape("the response is not a JSON object")
        }
        guard parsed.hasArray else {
            throw .unexpectedShape("the response has no 'partner_channels' array")
        }
        var channels: [Channel] = []
        channels.reserveCapacity(parsed.elements.count)
        for (index, element) in parsed.elements.enumerated() {
            guard case .string(let id)? = element.id, !id.isEmpty else {
                throw .channelWithoutID(index: index)
            }
            // Copied out so each channel's bytes start at index 0 and do not pin the page buffer.
            let range = data.startIndex + element.range.lowerBound ..< data.startIndex + element.range.upperBound
            channels.append(Channel(id: id, validatedRawJSON: Data(data[range])))
        }
        return ChannelPage(
            total: members["total"].flatMap(Self.integer),
            count: members["count"].flatMap(Self.integer),
            limit: members["limit"].flatMap(Self.integer),
            offset: members["offset"].flatMap(Self.integer),
            channels: channels
        )
    }

    static func integer(_ value: JSONValue) -> Int? {
        guard case .number(let number) = value, number >= 0, number == number.rounded(), number < 1e15 else { return nil }
        return Int(number)
    }
}

/// Why a page body could not be used.
public enum ChannelPageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The body is not JSON (or was cut short).
    case malformedJSON(String)
    /// The body is JSON but not a `PartnerChannelsPublicOut` object.
    case unexpectedShape(String)
    /// The channel at this 0-based index of `partner_channels` has no string `id`.
    case channelWithoutID(index: Int)

    /// What is wrong with the body, for the poll failure message.
    public var description: String {
        switch self {
        case .malformedJSON(let reason): return "malformed JSON: \(reason)"
        case .unexpectedShape(let reason): return "unexpected response: \(reason)"
        case .channelWithoutID(let index): return "channel at index \(index) of partner_channels has no string 'id'"
        }
    }
}
