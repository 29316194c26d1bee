import Foundation
import JSON

/// Builds the channel-list URL for one page: `{base}/api/v2/partners/{id}/channels?limit=&offset=&sort=&filters=`.
struct ChannelListURL: Sendable {
    let base: String
    let sort: String?
    /// `filters` already rendered as compact JSON and percent-encoded, or `nil` for no filters.
    let encodedFilters: String?

    init(settings: PartnerSettings) {
        var trimmed = settings.baseURL
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        base = trimmed + "/api/v2/partners/" + Self.percentEncode(settings.id) + "/channels"
        sort = settings.sort.flatMap { $0.isEmpty ? nil : Self.percentEncode($0) }
        if settings.filters.isEmpty {
            encodedFilters = nil
        } else {
            let json = String(decoding: JSONValue.object(settings.filters).compactJSON(), as: UTF8.self)
            encodedFilters = Self.percentEncode(json)
        }
    }

    func url(offset: Int, limit: Int) -> String {
        var url = base + "?limit=\(limit)&offset=\(offset)"
        if let sort { url += "&sort=" + sort }
        if let encodedFilters { url += "&filters=" + encodedFilters }
        return url
    }

    /// RFC 3986 unreserved characters pass; everything else (`{`, `"`, `:`, `+`, space, ...) is
    /// percent-encoded, so servers that decode `+` as a space still see the JSON as sent.
    static func percentEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
