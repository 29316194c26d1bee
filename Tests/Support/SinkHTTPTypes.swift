import Foundation

/// A header field seen or sent by `HTTPSink`.
public struct HTTPSinkHeader: Sendable, Hashable {
    /// Field name as written on the wire.
    public var name: String
    /// Field value, trimmed.
    public var value: String

    /// Creates a header field.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A request as `HTTPSink` received it.
public struct RecordedHTTPRequest: Sendable {
    /// Method, e.g. `POST`.
    public var method: String
    /// The request target: path plus `?query` if any, exactly as sent.
    public var target: String
    /// All header fields, in order.
    public var headers: [HTTPSinkHeader]
    /// The body, de-chunked if it was sent chunked.
    public var body: Data
    /// Which accepted connection carried it (1-based), to observe connection reuse.
    public var connectionNumber: Int

    /// The path part of `target`.
    public var path: String { String(target.prefix { $0 != "?" }) }

    /// The query part of `target` (after `?`), or nil.
    public var query: String? {
        target.firstIndex(of: "?").map { String(target[target.index(after: $0)...]) }
    }

    /// The last header named `name`, case-insensitively.
    public func header(_ name: String) -> String? {
        headers.last { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The body decoded as UTF-8.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// A response `HTTPSink` sends.
public struct HTTPSinkResponse: Sendable {
    /// Status code.
    public var status: Int
    /// Extra header fields; `Content-Length` (or chunked framing) is added by the sink.
    public var headers: [HTTPSinkHeader]
    /// The body.
    public var body: Data
    /// Send the body with `Transfer-Encoding: chunked` instead of `Content-Length`.
    public var chunked: Bool

    /// Creates a response.
    public init(status: Int = 200, headers: [HTTPSinkHeader] = [], body: Data = Data(), chunked: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.chunked = chunked
    }

    /// A `text/plain` response.
    public static func text(_ text: String, status: Int = 200) -> HTTPSinkResponse {
        HTTPSinkResponse(status: status, headers: [HTTPSinkHeader("Content-Type", "text/plain; charset=utf-8")], body: Data(text.utf8))
    }

    /// An `application/json` response.
    public static func json(_ json: String, status: Int = 200) -> HTTPSinkResponse {
        HTTPSinkResponse(status: status, headers: [HTTPSinkHeader("Content-Type", "application/json")], body: Data(json.utf8))
    }

    /// `429 Too Many Requests` with the given `Retry-After` value (seconds or an HTTP-date).
    public static func tooManyRequests(retryAfter: String, body: String = "rate limited") -> HTTPSinkResponse {
        HTTPSinkResponse(status: 429, headers: [HTTPSinkHeader("Retry-After", retryAfter)], body: Data(body.utf8))
    }
}

/// What `HTTPSink` does with one request.
public enum HTTPSinkAction: Sendable {
    /// Answer at once.
    case respond(HTTPSinkResponse)
    /// Answer after a delay (other connections are served meanwhile).
    case respondAfter(Duration, HTTPSinkResponse)
    /// Never answer; keep the connection open until the client closes it or the sink stops.
    case hang
    /// Close the connection without answering.
    case dropConnection

    /// `200 OK` with body `ok`, the default answer.
    public static let ok = HTTPSinkAction.respond(.text("ok"))
}
