import Foundation

/// Where the next page of a newest-first listing starts: the sort time of the last row shown (in
/// microseconds, as PostgreSQL stores it) and its id, which breaks ties. Opaque to clients: it
/// travels as `?cursor=` in base64url.
public struct PageCursor: Sendable, Hashable, CustomStringConvertible {
    /// Microseconds since 1970 of the last row's sort time.
    public var microseconds: Int64
    /// The last row's id.
    public var key: String

    public init(microseconds: Int64, key: String) {
        self.microseconds = microseconds
        self.key = key
    }

    /// The cursor as it travels: base64url of `microseconds.key`, without padding.
    public var description: String {
        Data("\(microseconds).\(key)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Reads a cursor made by ``description``; nil for anything else.
    public init?(parsing text: String) {
        guard !text.isEmpty, text.count <= 200,
              text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let decoded = String(data: data, encoding: .utf8),
              let dot = decoded.firstIndex(of: "."), let microseconds = Int64(decoded[..<dot]) else { return nil }
        let key = String(decoded[decoded.index(after: dot)...])
        guard !key.isEmpty else { return nil }
        self.init(microseconds: microseconds, key: key)
    }

    /// SQL for a `timestamptz` column as exact microseconds since 1970 (`extract(epoch …)` is a
    /// float before PostgreSQL 14, which could round a cursor past a row).
    static func microsecondsSQL(_ column: String) -> String {
        "(extract(epoch FROM date_trunc('second', \(column)))::int8 * 1000000 + extract(microseconds FROM \(column))::int8 % 1000000)"
    }

    /// SQL for the timestamp a cursor's microseconds stand for, exactly.
    static func timestampSQL(_ parameter: String) -> String {
        "(timestamptz 'epoch' + \(parameter)::int8 * interval '1 microsecond')"
    }
}

/// One page of a newest-first listing, and where the next one starts (nil on the last page).
public struct Page<Row: Sendable>: Sendable {
    public var rows: [Row]
    public var next: PageCursor?

    public init(rows: [Row], next: PageCursor?) {
        self.rows = rows
        self.next = next
    }
}
