import Foundation
import JSON

/// One HTTP/1.1 request as the inbound listener read it: the head parsed, the body read up to
/// the limit.
public struct InboundHTTPRequest: Sendable {
    public var method: String
    /// The request target, e.g. `/webhooks/360dialog/p1`.
    public var path: String
    /// Header names in lower case; a repeated header keeps its last value.
    public var headers: [String: String]
    public var body: Data
    /// Whether the body was longer than the listener reads (the rest was never read).
    public var bodyTooLarge: Bool

    public init(method: String, path: String, headers: [String: String], body: Data, bodyTooLarge: Bool = false) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.bodyTooLarge = bodyTooLarge
    }

    /// The header `name` (any case).
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// The listener's answer: a status and a small JSON body.
public struct InboundHTTPResponse: Sendable, Equatable {
    public var status: Int
    /// `{"status":"accepted"}`, `{"error":"..."}`.
    public var body: String

    public init(status: Int, body: String) {
        self.status = status
        self.body = body
    }

    /// `{"error": message}` with `status`.
    public static func error(_ status: Int, _ message: String) -> InboundHTTPResponse {
        InboundHTTPResponse(status: status, body: String(decoding: JSONValue.object(["error": .string(message)]).compactJSON(),
                                                         as: UTF8.self))
    }

    var reason: String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 413: "Content Too Large"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }

    /// The response's bytes; `close` adds `Connection: close`.
    func encoded(close: Bool) -> [UInt8] {
        let body = Array(self.body.utf8)
        var head = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n"
        if close { head += "Connection: close\r\n" }
        return Array((head + "\r\n").utf8) + body
    }
}
