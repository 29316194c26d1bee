import Foundation
import JSON

/// The query of one channel-list request, validated as the real API would.
struct PageQuery: Sendable {
    struct Sort: Sendable {
        var field: String
        var path: JSONPath
        var descending: Bool
    }

    var limit: Int
    var offset: Int
    var sort: Sort?
    var filters: [(path: JSONPath, value: JSONValue)]
    /// The filters as sent, echoed back in the page.
    var filtersObject: [String: JSONValue]

    /// The documented default when `limit` is absent.
    static let defaultLimit = 100

    /// Identifies the listing (sort + filters), independent of paging.
    var listingKey: String {
        let sortKey = sort.map { ($0.descending ? "-" : "") + $0.field } ?? ""
        return sortKey + "|" + String(decoding: JSONValue.object(filtersObject).compactJSON(), as: UTF8.self)
    }

    /// Parses `limit`, `offset`, `sort` and `filters`; the error text is the 400's developer message.
    static func parse(_ items: [(name: String, value: String)], maxPageSize: Int?) -> Result<PageQuery, PageQueryError> {
        func value(_ name: String) -> String? { items.last { $0.name == name }?.value }
        var limit = defaultLimit
        if let text = value("limit") {
            guard let parsed = Int(text), parsed >= 1 else { return .failure(PageQueryError("limit must be a positive integer, got '\(text)'")) }
            limit = parsed
        }
        if let maxPageSize { limit = min(limit, maxPageSize) }
        var offset = 0
        if let text = value("offset") {
            guard let parsed = Int(text), parsed >= 0 else { return .failure(PageQueryError("offset must be a non-negative integer, got '\(text)'")) }
            offset = parsed
        }
        var sort: Sort?
        if let text = value("sort"), !text.isEmpty {
            let descending = text.hasPrefix("-")
            let field = descending ? String(text.dropFirst()) : text
            let path = JSONPath(field)
            guard path.isWellFormed else { return .failure(PageQueryError("sort must be a field name, optionally prefixed with '-', got '\(text)'")) }
            sort = Sort(field: field, path: path, descending: descending)
        }
        var filters: [(path: JSONPath, value: JSONValue)] = []
        var filtersObject: [String: JSONValue] = [:]
        if let text = value("filters"), !text.isEmpty {
            guard let parsed = try? JSONParser.parse(Data(text.utf8)), case .object(let members) = parsed else {
                return .failure(PageQueryError("filters must be a JSON object, got '\(text)'"))
            }
            for (key, wanted) in members.sorted(by: { $0.key < $1.key }) {
                let path = JSONPath(key)
                guard path.isWellFormed else { return .failure(PageQueryError("filters: '\(key)' is not a field path")) }
                filters.append((path, wanted))
            }
            filtersObject = members
        }
        return .success(PageQuery(limit: limit, offset: offset, sort: sort, filters: filters, filtersObject: filtersObject))
    }
}

/// A bad channel-list query, answered with 400.
struct PageQueryError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
