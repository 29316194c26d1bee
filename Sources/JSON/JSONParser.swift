import Foundation

/// A JSON syntax error with the byte offset where parsing stopped.
public struct JSONSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// 0-based byte offset into the parsed text.
    public var offset: Int
    /// What was wrong at that offset.
    public var reason: String

    /// An error at `offset` for `reason`.
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    /// `invalid JSON at byte N: reason`.
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// A single-pass JSON parser over bytes.
///
/// Faster than going through `JSONDecoder` for ``JSONValue`` (which probes every value with
/// throwing `decode` calls), and it can report where each element of one array sits in the
/// input, so a caller can keep each element's original bytes without re-encoding them.
public enum JSONParser {
    /// Parses one JSON document (surrounding whitespace allowed, nothing else after it).
    public static func parse(_ data: Data) throws(JSONSyntaxError) -> JSONValue {
        try parse(data, recordingElementsOf: nil).value
    }

    /// Parses one JSON document and returns, for the array that is the top-level object's
    /// member `key`, the byte range of each element in `data` (empty when there is no such array).
    public static func parse(
        _ data: Data, recordingElementsOf key: String?
    ) throws(JSONSyntaxError) -> (value: JSONValue, elementRanges: [Range<Int>]) {
        let result: Result<(JSONValue, [Range<Int>]), JSONSyntaxError> = data.withUnsafeBytes { raw in
            var scanner = JSONScanner(bytes: raw.bindMemory(to: UInt8.self), recordedKey: key)
            do throws(JSONSyntaxError) {
                scanner.skipWhitespace()
                let value = try scanner.parseValue(depth: 0, recording: true)
                scanner.skipWhitespace()
                guard scanner.position == scanner.bytes.count else {
                    throw scanner.error("unexpected text after the document")
                }
                return .success((value, scanner.recordedRanges))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let parsed): return (parsed.0, parsed.1)
        case .failure(let error): throw error
        }
    }
}

/// The cursor behind ``JSONParser``; lives only for one `withUnsafeBytes` call.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    let recordedKey: String?
    var position = 0
    var recordedRanges: [Range<Int>] = []

    /// Deeper nesting than this is refused rather than risking the stack on hostile input.
    static let maximumDepth = 512

    init(bytes: UnsafeBufferPointer<UInt8>, recordedKey: String?) {
        self.bytes = bytes
        self.recordedKey = recordedKey
    }

    func error(_ reason: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: position, reason: reason)
    }

    /// Whether `slice` is well-formed UTF-8, checked without building a string.
    static func isValidUTF8(_ slice: UnsafeBufferPointer<UInt8>) -> Bool {
        var iterator = slice.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// `recording` is true only for the top-level value, whose member `recordedKey` is recorded.
    mutating func parseValue(depth: Int, recording: Bool = false) throws(JSONSyntaxError) -> JSONValue {
        guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
        guard position < bytes.count else { throw error("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth, recording: recording)
        case UInt8(ascii: "["): return .array(try parseArray(depth: depth, recordRanges: false))
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected character '\(Character(Unicode.Scalar(bytes[position])))'")
        }
    }

    mutating func parseObject(depth: Int, recording: Bool) throws(JSONSyntaxError) -> JSONValue {
        position += 1
        // Members are gathered first and hashed once into a dictionary of the right size:
        // growing a dictionary member by member rehashes every key several times.
        var members: [(key: String, value: JSONValue)] = []
        members.reserveCapacity(16)
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object([:])
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw error("expected a member name in quotes")
            }
            let key = try parseString()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
            position += 1
            skipWhitespace()
            // A repeated member's last value wins, so do its ranges (none when it is not an array).
            if recording, key == recordedKey { recordedRanges.removeAll() }
            if recording, key == recordedKey, position < bytes.count, bytes[position] == UInt8(ascii: "[") {
                members.append((key, .array(try parseArray(depth: depth + 1, recordRanges: true))))
            } else {
                members.append((key, try parseValue(depth: depth + 1)))
            }
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input inside an object") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "}") {
                position += 1
                // A repeated member name keeps the last value, as most JSON parsers do.
                return .object(Dictionary(members, uniquingKeysWith: { _, last in last }))
            }
            throw error("expected ',' or '}'")
        }
    }

    mutating func parseArray(depth: Int, recordRanges: Bool) throws(JSONSyntaxError) -> [JSONValue] {
        position += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return items
        }
        while true {
            skipWhitespace()
            let start = position
            items.append(try parseValue(depth: depth + 1))
            if recordRanges { recordedRanges.append(start..<position) }
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input inside an array") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "]") { position += 1; return items }
            throw error("expected ',' or ']'")
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw error("unexpected end of input") }
        let matches = (0..<count).allSatisfy { bytes[position + $0] == literal.utf8Start[$0] }
        guard matches else { throw error("expected '\(literal)'") }
        position += count
    }

    mutating func parseNumber() throws(JSONSyntaxError) -> Double {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        let digitsStart = position
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
        guard position > digitsStart else { throw error("expected digits") }
        if bytes[digitsStart] == UInt8(ascii: "0"), position - digitsStart > 1 { throw error("leading zero in a number") }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            let fractionStart = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
            guard position > fractionStart else { throw error("expected digits after '.'") }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            let exponentStart = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
            guard position > exponentStart else { throw error("expected digits in the exponent") }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        // Double("1e400") is infinity, which JSON cannot say: refused, as JSONSerialization does.
        guard let number = Double(text), number.isFinite else { throw JSONSyntaxError(offset: start, reason: "number out of range") }
        return number
    }

    mutating func parseString() throws(JSONSyntaxError) -> String {
        position += 1
        let start = position
        // Fast path: no escapes, the bytes are the string.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self) else {
                    throw JSONSyntaxError(offset: start, reason: "a string that is not valid UTF-8")
                }
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character in a string") }
            position += 1
        }
        var utf8 = Array(bytes[start..<position])
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw JSONSyntaxError(offset: start, reason: "a string that is not valid UTF-8")
                }
                position += 1
                return text
            }
            if byte < 0x20 { throw error("control character in a string") }
            if byte != UInt8(ascii: "\\") {
                utf8.append(byte)
                position += 1
                continue
            }
            position += 1
            guard position < bytes.count else { break }
            let escape = bytes[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""): utf8.append(0x22)
            case UInt8(ascii: "\\"): utf8.append(0x5C)
            case UInt8(ascii: "/"): utf8.append(0x2F)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"): utf8.append(contentsOf: try parseUnicodeEscape())
            default: throw error("invalid escape '\\\(Character(Unicode.Scalar(escape)))'")
            }
        }
        throw error("unterminated string")
    }

    /// Reads the hex digits after `\u` (and a following low surrogate) as UTF-8 bytes.
    mutating func parseUnicodeEscape() throws(JSONSyntaxError) -> [UInt8] {
        var code = try readHex4()
        if (0xD800...0xDBFF).contains(code),
           position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
            position += 2
            let low = try readHex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw error("invalid low surrogate") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        // A lone surrogate has no UTF-8 form; JSONSerialization refuses it too.
        guard let scalar = Unicode.Scalar(code) else { throw error("a lone surrogate in a \\u escape") }
        return Array(String(Character(scalar)).utf8)
    }

    mutating func readHex4() throws(JSONSyntaxError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("unexpected end of input in \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value * 16 + UInt32(digit)
            position += 1
        }
        return value
    }
}
