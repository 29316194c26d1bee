/// The text form of one-dimensional arrays: `{"a","b c",NULL}`.
enum PostgresArrayLiteral {
    /// Quotes every element, so commas, braces, spaces and the word NULL need no special cases.
    static func format(_ elements: [String?]) -> String {
        // Byte-level escaping: Foundation's replacingOccurrences bridges every element through
        // NSString/UTF-16, which dominated recording 100,000 snapshots (see BENCHMARKS.md).
        var bytes: [UInt8] = []
        bytes.reserveCapacity(elements.reduce(2) { $0 + ($1?.utf8.count ?? 4) + 3 })
        bytes.append(UInt8(ascii: "{"))
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            guard let element else {
                bytes.append(contentsOf: "NULL".utf8)
                continue
            }
            bytes.append(UInt8(ascii: "\""))
            var text = element
            text.withUTF8 { source in
                // Runs without a quote or backslash are copied whole; only those two are escaped.
                var start = 0
                for (index, byte) in source.enumerated() where byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"") {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[start..<index]))
                    bytes.append(UInt8(ascii: "\\"))
                    start = index
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[start...]))
            }
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses a one-dimensional array literal as PostgreSQL prints it; nil for malformed or
    /// multi-dimensional input. An unquoted `NULL` element is SQL NULL.
    static func parse(_ text: String) -> [String?]? {
        var bytes = Array(text.utf8)[...]
        // A non-default lower bound prints as `[0:1]={...}`; the bounds carry no data we keep.
        if bytes.first == UInt8(ascii: "["), let equals = bytes.firstIndex(of: UInt8(ascii: "=")) {
            bytes = bytes[(equals + 1)...]
        }
        guard bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else { return nil }
        let body = Array(bytes.dropFirst().dropLast())
        if body.isEmpty { return [] }
        var elements: [String?] = []
        var index = 0
        while index <= body.count {
            var element: [UInt8] = []
            var quoted = false
            if index < body.count, body[index] == UInt8(ascii: "\"") {
                quoted = true
                index += 1
                while index < body.count, body[index] != UInt8(ascii: "\"") {
                    if body[index] == UInt8(ascii: "\\") { index += 1 }
                    guard index < body.count else { return nil }
                    element.append(body[index])
                    index += 1
                }
                guard index < body.count else { return nil }
                index += 1
            } else {
                while index < body.count, body[index] != UInt8(ascii: ",") {
                    if body[index] == UInt8(ascii: "{") { return nil }
                    element.append(body[index])
                    index += 1
                }
            }
            let value = String(decoding: element, as: UTF8.self)
            elements.append(!quoted && value == "NULL" ? nil : value)
            if index == body.count { break }
            guard body[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
        return elements
    }
}
