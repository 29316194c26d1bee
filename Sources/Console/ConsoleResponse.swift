import Foundation

/// The console's answer: status, headers and body, for any HTTP server to send.
public struct ConsoleResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Data

    public init(status: Int, headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name` (any case).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// An HTML page.
    static func html(_ text: String, status: Int = 200) -> ConsoleResponse {
        ConsoleResponse(status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: Data(text.utf8))
    }

    /// JSON bytes.
    static func json(_ body: Data, status: Int = 200) -> ConsoleResponse {
        ConsoleResponse(status: status, headers: [("Content-Type", "application/json")], body: body)
    }

    /// `{"message": …, "problems": […]}` with `status`.
    static func jsonError(_ status: Int, _ message: String, problems: [String] = []) -> ConsoleResponse {
        json(ConsoleJSON.encode(ErrorBody(message: message, problems: problems.isEmpty ? nil : problems)), status: status)
    }

    /// After a form's change: see the page that shows it (303, so a reload does not post again).
    static func redirect(to location: String) -> ConsoleResponse {
        ConsoleResponse(status: 303, headers: [("Location", location), ("Content-Type", "text/plain; charset=utf-8")],
                        body: Data("see \(location)\n".utf8))
    }

    /// Plain text.
    static func text(_ text: String, status: Int, contentType: String = "text/plain; charset=utf-8") -> ConsoleResponse {
        ConsoleResponse(status: status, headers: [("Content-Type", contentType)], body: Data(text.utf8))
    }

    private struct ErrorBody: Encodable {
        var message: String
        var problems: [String]?
    }
}

/// The JSON encoder of the API: sorted keys, ISO 8601 times, slashes unescaped.
enum ConsoleJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func encode<T: Encodable>(_ value: T) -> Data {
        (try? encoder.encode(value)) ?? Data(#"{"message":"the answer could not be encoded"}"#.utf8)
    }
}
