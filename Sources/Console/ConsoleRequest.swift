import Foundation

/// One request to the console or the JSON API, as the HTTP server hands it over: independent of
/// the server, so the console is tested in memory and served by whatever listens.
public struct ConsoleRequest: Sendable {
    /// `GET`, `POST`, `DELETE`, … (upper case).
    public var method: String
    /// The path's segments, percent-decoded: `/alerts/0f3c…` is `["alerts", "0f3c…"]`.
    public var segments: [String]
    /// The query string's fields.
    public var query: FormFields
    /// Header values by lower-case name.
    public var headers: [String: String]
    /// The body (empty for GET).
    public var body: Data
    /// Whether the peer's socket address is on loopback (127.0.0.0/8, ::1): the socket's own
    /// address, never a forwarded-for header.
    public var fromLoopback: Bool
    /// The peer, for logs: `127.0.0.1`.
    public var peer: String

    public init(method: String, path: String, query: String = "", headers: [String: String] = [:], body: Data = Data(),
                fromLoopback: Bool, peer: String = "") {
        self.method = method.uppercased()
        self.segments = path.split(separator: "/", omittingEmptySubsequences: true)
            .map { String($0).removingPercentEncoding ?? String($0) }
        self.query = FormFields(parsing: query)
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.body = body
        self.fromLoopback = fromLoopback
        self.peer = peer
    }

    /// A header's value (any case of `name`).
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The cookies sent, by name.
    public var cookies: [String: String] {
        var cookies: [String: String] = [:]
        for part in (header("cookie") ?? "").split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            cookies[pair[0].trimmingCharacters(in: .whitespaces)] = pair[1].trimmingCharacters(in: .whitespaces)
        }
        return cookies
    }

    /// Whether the request changes something (anything but GET and HEAD).
    public var isChange: Bool { method != "GET" && method != "HEAD" }

    /// Whether the body is JSON (`Content-Type: application/json`).
    public var isJSON: Bool { header("content-type")?.lowercased().hasPrefix("application/json") == true }

    /// The body read as a form.
    public var form: FormFields { FormFields(parsing: String(decoding: body, as: UTF8.self)) }
}
