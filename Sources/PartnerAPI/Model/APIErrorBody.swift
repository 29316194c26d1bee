import Foundation
import JSON

/// The `meta` of a Partner API error (`DefaultHttpError` / `DefaultValidationError`):
/// `developer_message` and `360dialog_trace_id`, both optional because proxies and load
/// balancers answer with bodies of their own.
public struct APIErrorBody: Sendable, Hashable {
    /// `meta.developer_message`.
    public var developerMessage: String?
    /// `meta.360dialog_trace_id`, for 360dialog support.
    public var traceID: String?

    /// An error body from its parts.
    public init(developerMessage: String? = nil, traceID: String? = nil) {
        self.developerMessage = developerMessage
        self.traceID = traceID
    }

    /// Reads `meta` from an error body; empty when the body is not the documented shape.
    public init(body: Data) {
        guard !body.isEmpty, let value = try? JSONParser.parse(body), let meta = value["meta"] else {
            self.init()
            return
        }
        self.init(developerMessage: meta["developer_message"]?.stringValue,
                  traceID: meta["360dialog_trace_id"]?.stringValue)
    }
}
