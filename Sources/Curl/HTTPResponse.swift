import Foundation

/// The final response to an `HTTPRequest`, whatever its status (non-2xx is not an error).
public struct HTTPResponse: Sendable {
    /// The HTTP status code of the final response (after any `100 Continue`).
    public var status: Int
    /// Header fields of the final response, in the order received.
    public var headers: [HTTPHeader]
    /// The body, already decoded if the server used a content encoding.
    public var body: Data

    /// Creates a response value (mostly useful for tests of code that consumes responses).
    public init(status: Int, headers: [HTTPHeader], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the last header named `name` (case-insensitive), or `nil`.
    public func header(_ name: String) -> String? {
        headers.last { $0.hasName(name) }?.value
    }

    /// True for 200...299.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The body as UTF-8 text (invalid bytes replaced), for messages and logs.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// How long the server asked the client to wait, from `Retry-After`
    /// (delay-seconds or an HTTP-date, measured from now); `nil` when absent or unreadable.
    public var retryAfter: Duration? {
        header("Retry-After").flatMap { RetryAfterParser.parse($0, now: Date()) }
    }
}
