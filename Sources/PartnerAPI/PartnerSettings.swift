import Foundation
import JSON

/// Everything needed to poll one partner's channels; filled by the configuration loader.
public struct PartnerSettings: Sendable, Hashable {
    /// The partner id (path parameter `partner_id`).
    public var id: String
    /// The partner API key, sent as `X-API-Key`. Never logged or put in errors.
    public var apiKey: String
    /// Base URL without the path, e.g. `https://hub.360dialog.io`.
    public var baseURL: String
    /// Server-side filters, sent as the `filters` query parameter (JSON, URL-encoded);
    /// an empty object sends nothing.
    public var filters: [String: JSONValue]
    /// The `sort` query parameter (`id`, `-created_at`, ...).
    ///
    /// Defaults to `id`: offset paging over an unordered listing can skip or repeat channels
    /// between pages, and a stable order is what makes "complete" meaningful.
    public var sort: String?
    /// Channels asked per page (`limit`).
    public var pageSize: Int
    /// Pages in flight at once.
    public var concurrency: Int
    /// Timeout of one HTTP request (connect + transfer).
    public var requestTimeout: Duration

    /// Settings with the documented defaults: sort `id`, 100 per page, 4 in flight, 30 s per request.
    public init(
        id: String,
        apiKey: String,
        baseURL: String,
        filters: [String: JSONValue] = [:],
        sort: String? = "id",
        pageSize: Int = 100,
        concurrency: Int = 4,
        requestTimeout: Duration = .seconds(30)
    ) {
        self.id = id
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.filters = filters
        self.sort = sort
        self.pageSize = pageSize
        self.concurrency = concurrency
        self.requestTimeout = requestTimeout
    }
}

extension PartnerSettings: CustomStringConvertible {
    /// A description safe to log: the API key is redacted.
    public var description: String {
        "partner \(id) at \(baseURL) (page size \(pageSize), concurrency \(concurrency), api key redacted)"
    }
}
