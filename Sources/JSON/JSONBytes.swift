import Foundation

/// Compact JSON text written member by member, for the hot paths that encode fixed shapes
/// (every event of a poll, every delivery's payload): the same JSON `JSONEncoder` writes with
/// sorted keys and unescaped slashes, without its per-value boxing — a tenth of its cost.
///
/// The caller writes an object's members in sorted key order. Commas are placed automatically:
/// a value or key that does not directly follow `{`, `[` or `:` is preceded by one.
public struct JSONBytes {
    /// The text written so far.
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
    }

    /// The text as `Data`.
    public var data: Data { Data(bytes) }
    /// The text as a `String`.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    private mutating func separate() {
        guard let last = bytes.last else { return }
        if last != UInt8(ascii: "{"), last != UInt8(ascii: "["), last != UInt8(ascii: ":") {
            bytes.append(UInt8(ascii: ","))
        }
    }

    public mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")) }
    public mutating func endObject() { bytes.append(UInt8(ascii: "}")) }
    public mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")) }
    public mutating func endArray() { bytes.append(UInt8(ascii: "]")) }

    /// Starts a member: writes `"key":`; the member's value follows.
    public mutating func key(_ key: String) {
        separate()
        JSONValue.writeString(key, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    /// A string, or `null`.
    public mutating func string(_ text: String?) {
        separate()
        if let text { JSONValue.writeString(text, into: &bytes) } else { bytes.append(contentsOf: "null".utf8) }
    }

    /// An integer.
    public mutating func int(_ number: Int) {
        separate()
        bytes.append(contentsOf: String(number).utf8)
    }

    /// Any value, keys sorted.
    public mutating func value(_ value: JSONValue) {
        separate()
        value.write(into: &bytes)
    }

    /// An object of strings, keys sorted.
    public mutating func object(_ members: [String: String]) {
        beginObject()
        for key in members.keys.sorted() {
            self.key(key)
            string(members[key])
        }
        endObject()
    }

    /// A member whose value is a string or `null`.
    public mutating func member(_ key: String, _ text: String?) {
        self.key(key)
        string(text)
    }

    /// A point in time as `JSONEncoder`'s `.iso8601` writes it: UTC, whole seconds, e.g.
    /// `2026-12-04T15:01:10Z`.
    public mutating func date(_ date: Date) {
        string(Self.iso8601(date))
    }

    /// `date` as `yyyy-MM-ddTHH:mm:ssZ` in UTC (fractions of a second dropped).
    public static func iso8601(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let year = Int(parts.tm_year) + 1900
        let yearText = year < 1000 ? String(repeating: "0", count: 4 - String(year).count) + String(year) : String(year)
        return "\(yearText)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
