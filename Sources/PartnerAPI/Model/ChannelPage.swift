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
    /// required; every other field is optional and kept as received.
    public static func decode(_ data: Data) throws(ChannelPageError) -> ChannelPage {
        let parsed: (value: JSONValue, elementRanges: [Range<Int>])
        do {
            parsed = try JSONParser.parse(data, recordingElementsOf: "partner_channels")
        } catch {
            throw .malformedJSON(error.description)
        }
        guard case .object(let members) = parsed.value else {
            throw .unexpectedShape("the response is not a JSON object")
        }
        guard case .array(let items)? = members["partner_channels"] else {
            throw .unexpectedShape("the response has no 'partner_channels' array")
        }
        var channels: [Channel] = []
        channels.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            let range = parsed.elementRanges[index]
            // Copied out so each channel's bytes start at index 0 and do not pin the page buffer.
            let raw = Data(data[data.startIndex + range.lowerBound ..< data.startIndex + range.upperBound])
            guard let channel = Channel(document: item, rawJSON: raw) else {
                throw .channelWithoutID(index: index)
            }
            channels.append(channel)
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
