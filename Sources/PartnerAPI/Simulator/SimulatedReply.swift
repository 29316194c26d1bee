import Foundation
import JSON

/// What the HTTP layer must do for one request, decided by ``SimulatorState``.
struct SimulatedReply: Sendable {
    enum Delivery: Sendable {
        /// Send the response as is.
        case normal
        /// Announce the full body, send half, close the connection.
        case truncated
        /// Close the connection without a response.
        case drop
        /// Wait this long before answering normally (the client should time out first).
        case hang(Duration)
    }

    var status: Int
    var headers: [(name: String, value: String)] = []
    var body: Data
    var latency: Duration = .zero
    var delivery: Delivery = .normal

    /// A JSON answer.
    static func json(_ status: Int, _ body: Data, headers: [(name: String, value: String)] = []) -> SimulatedReply {
        SimulatedReply(status: status, headers: [("Content-Type", "application/json")] + headers, body: body)
    }

    /// The documented error shape (`DefaultHttpError`): `meta.developer_message`, `http_code`,
    /// `success: false` and a trace id.
    static func apiError(_ status: Int, _ message: String, headers: [(name: String, value: String)] = []) -> SimulatedReply {
        let meta: [String: JSONValue] = [
            "developer_message": .string(message),
            "http_code": .number(Double(status)),
            "success": .bool(false),
            "360dialog_trace_id": .string(newTraceID()),
        ]
        return json(status, JSONValue.object(["meta": .object(meta)]).compactJSON(), headers: headers)
    }

    /// A 32-hex-digit id, like the API's trace ids.
    static func newTraceID() -> String {
        let high = UInt64.random(in: .min ... .max), low = UInt64.random(in: .min ... .max)
        return hex(high) + hex(low)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
