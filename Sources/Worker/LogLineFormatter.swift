import Foundation
import JSON
import Logging

/// Renders one log record as one line in a ``LogFormat``. Pure apart from nothing: the time is
/// passed in, so lines are tested byte for byte.
public struct LogLineFormatter: Sendable {
    /// The format written.
    public var format: LogFormat

    /// A formatter for `format`.
    public init(format: LogFormat) {
        self.format = format
    }

    /// The line (without newline) for a record: `partner`, `receiver`, then other metadata keys sorted.
    public func line(time: Date, level: Logger.Level, message: String, label: String,
                     metadata: Logger.Metadata) -> String {
        let timestamp = Self.timestamp(time)
        // Who the line is about comes first; the rest in name order, so lines are stable.
        let keys = metadata.keys.sorted { (Self.rank($0), $0) < (Self.rank($1), $1) }
        switch format {
        case .text:
            var line = "\(timestamp) \(level) \(message)"
            if !keys.isEmpty {
                line += ":"
                for key in keys { line += " \(key)=\(Self.textValue(metadata[key]!))" }
            }
            return line
        case .json:
            var fields = [("ts", timestamp), ("level", "\(level)"), ("msg", message), ("logger", label)]
            for key in keys where !["ts", "level", "msg", "logger"].contains(key) {
                fields.append((key, Self.plain(metadata[key]!)))
            }
            return "{" + fields.map { "\(Self.jsonString($0.0)):\(Self.jsonString($0.1))" }.joined(separator: ",") + "}"
        }
    }

    private static func rank(_ key: String) -> Int {
        switch key {
        case "partner": 0
        case "receiver": 1
        default: 2
        }
    }

    /// `2026-11-25T10:00:00Z` (UTC, whole seconds).
    static func timestamp(_ time: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: time)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(String(format: "%04d", parts.year ?? 0))-\(two(parts.month))-\(two(parts.day))T"
            + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second))Z"
    }

    /// A metadata value as plain text: strings as they are, lists and dictionaries flattened.
    static func plain(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): "[" + values.map(plain).joined(separator: ", ") + "]"
        case .dictionary(let entries):
            "{" + entries.keys.sorted().map { "\($0): \(plain(entries[$0]!))" }.joined(separator: ", ") + "}"
        }
    }

    /// A value for `key=value`: quoted when it has spaces, quotes, `=` or is empty, so lines split cleanly.
    static func textValue(_ value: Logger.MetadataValue) -> String {
        let text = plain(value)
        let needsQuotes = text.isEmpty || text.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }
        return needsQuotes ? jsonString(text) : text
    }

    /// `text` as a JSON string literal, escaping quotes, backslashes and control characters.
    static func jsonString(_ text: String) -> String {
        String(decoding: JSONValue.string(text).compactJSON(), as: UTF8.self)
    }
}
