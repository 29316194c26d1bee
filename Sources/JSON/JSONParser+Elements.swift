import Foundation

/// One element of the array a ``JSONParser/parseSkimmingElements(_:of:)`` call skimmed: where
/// it sits in the input and the value of its `id` member, if it is an object that has one.
public struct SkimmedElement: Sendable, Hashable {
    /// Byte range of the element in the parsed data (relative to its first byte).
    public var range: Range<Int>
    /// The element's top-level `id` member (the last one if repeated); `nil` when absent or not an object.
    public var id: JSONValue?
}

extension JSONParser {
    /// Parses a top-level object whose member `key` is a (possibly large) array of objects,
    /// without building the elements: every byte is still validated, but each element is only
    /// located and its `id` member read.
    ///
    /// This is how a page of 100 channel documents is read: the documents are kept as the bytes
    /// received and parsed later, only for the channels whose fingerprint changed.
    ///
    /// - Returns: the other members of the top-level object (the array's member is absent; `nil`
    ///   when the document is not an object), and the elements of `key` (empty when the member is
    ///   missing or not an array, which `hasArray` tells apart).
    public static func parseSkimmingElements(
        _ data: Data, of key: String
    ) throws(JSONSyntaxError) -> (members: [String: JSONValue]?, elements: [SkimmedElement], hasArray: Bool) {
        let result: Result<([String: JSONValue]?, [SkimmedElement], Bool), JSONSyntaxError> = data.withUnsafeBytes { raw in
            var scanner = JSONScanner(bytes: raw.bindMemory(to: UInt8.self), recordedKey: key)
            do throws(JSONSyntaxError) {
                scanner.skipWhitespace()
                let parsed = try scanner.parseTopObjectSkimming(key)
                scanner.skipWhitespace()
                guard scanner.position == scanner.bytes.count else {
                    throw scanner.error("unexpected text after the document")
                }
                return .success((parsed.members, parsed.elements, parsed.hasArray))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let parsed): return parsed
        case .failure(let error): throw error
        }
    }
}

extension JSONScanner {
    /// The top-level value, which must be an object for its members to be returned; any other
    /// value is validated and reported as having none (`nil`).
    mutating func parseTopObjectSkimming(
        _ key: String
    ) throws(JSONSyntaxError) -> (members: [String: JSONValue]?, elements: [SkimmedElement], hasArray: Bool) {
        guard position < bytes.count else { throw error("unexpected end of input") }
        guard bytes[position] == UInt8(ascii: "{") else {
            _ = try parseValue(depth: 0)
            return (nil, [], false)
        }
        position += 1
        var members: [String: JSONValue] = [:]
        var elements: [SkimmedElement] = []
        var hasArray = false
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return (members, elements, false)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw error("expected a member name in quotes")
            }
            let name = try parseString()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
            position += 1
            skipWhitespace()
            if name == key {
                // A repeated member keeps its last value, as ``JSONParser/parse(_:)`` does.
                if position < bytes.count, bytes[position] == UInt8(ascii: "[") {
                    elements = try skimArray(depth: 1)
                    hasArray = true
                } else {
                    _ = try parseValue(depth: 1)
                    elements = []
                    hasArray = false
                }
                members[name] = nil
            } else {
                members[name] = try parseValue(depth: 1)
            }
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input inside an object") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "}") { position += 1; return (members, elements, hasArray) }
            throw error("expected ',' or '}'")
        }
    }

    /// The elements of an array, each validated and located, objects' `id` read.
    mutating func skimArray(depth: Int) throws(JSONSyntaxError) -> [SkimmedElement] {
        position += 1
        var elements: [SkimmedElement] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return elements
        }
        while true {
            skipWhitespace()
            let start = position
            var id: JSONValue?
            if position < bytes.count, bytes[position] == UInt8(ascii: "{") {
                id = try skimObjectReadingID(depth: depth + 1)
            } else {
                try skipValue(depth: depth + 1)
            }
            elements.append(SkimmedElement(range: start..<position, id: id))
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input inside an array") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "]") { position += 1; return elements }
            throw error("expected ',' or ']'")
        }
    }

    /// Validates an object and returns its `id` member's value (parsed), skipping the rest.
    mutating func skimObjectReadingID(depth: Int) throws(JSONSyntaxError) -> JSONValue? {
        guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
        position += 1
        var id: JSONValue?
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return nil
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw error("expected a member name in quotes")
            }
            let nameIsID = try skipStringIsID()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
            position += 1
            skipWhitespace()
            if nameIsID {
                id = try parseValue(depth: depth + 1)
            } else {
                try skipValue(depth: depth + 1)
            }
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input inside an object") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "}") { position += 1; return id }
            throw error("expected ',' or '}'")
        }
    }

    /// Validates one value of any kind without building it.
    mutating func skipValue(depth: Int) throws(JSONSyntaxError) {
        guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
        guard position < bytes.count else { throw error("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"): try skipContainer(depth: depth, closing: UInt8(ascii: "}"), members: true)
        case UInt8(ascii: "["): try skipContainer(depth: depth, closing: UInt8(ascii: "]"), members: false)
        case UInt8(ascii: "\""): _ = try skipStringIsID()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
        default: throw error("unexpected character '\(Character(Unicode.Scalar(bytes[position])))'")
        }
    }

    private mutating func skipContainer(depth: Int, closing: UInt8, members: Bool) throws(JSONSyntaxError) {
        position += 1
        skipWhitespace()
        if position < bytes.count, bytes[position] == closing {
            position += 1
            return
        }
        while true {
            skipWhitespace()
            if members {
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                    throw error("expected a member name in quotes")
                }
                _ = try skipStringIsID()
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
                position += 1
                skipWhitespace()
            }
            try skipValue(depth: depth + 1)
            skipWhitespace()
            guard position < bytes.count else {
                throw error(members ? "unexpected end of input inside an object" : "unexpected end of input inside an array")
            }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == closing { position += 1; return }
            throw error(members ? "expected ',' or '}'" : "expected ',' or ']'")
        }
    }

    /// Validates a string (escapes included) and says whether it is exactly `id` (written plainly).
    private mutating func skipStringIsID() throws(JSONSyntaxError) -> Bool {
        position += 1
        let start = position
        var allASCII = true
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                if !allASCII, !Self.isValidUTF8(UnsafeBufferPointer(rebasing: bytes[start..<position])) {
                    throw JSONSyntaxError(offset: start, reason: "a string that is not valid UTF-8")
                }
                let isID = position - start == 2 && bytes[start] == UInt8(ascii: "i") && bytes[start + 1] == UInt8(ascii: "d")
                position += 1
                return isID
            }
            if byte >= 0x80 { allASCII = false }
            if byte < 0x20 { throw error("control character in a string") }
            if byte == UInt8(ascii: "\\") {
                // A name with escapes is decoded the slow way, to validate it and compare it.
                position = start - 1
                let name = try parseString()
                return name == "id"
            }
            position += 1
        }
        throw error("unterminated string")
    }

    /// Validates a number's syntax without converting it.
    private mutating func skipNumber() throws(JSONSyntaxError) {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        let digitsStart = position
        skipDigits()
        guard position > digitsStart else { throw error("expected digits") }
        if bytes[digitsStart] == UInt8(ascii: "0"), position - digitsStart > 1 { throw error("leading zero in a number") }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            let fractionStart = position
            skipDigits()
            guard position > fractionStart else { throw error("expected digits after '.'") }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            let exponentStart = position
            skipDigits()
            guard position > exponentStart else { throw error("expected digits in the exponent") }
        }
        // Only an exponent or hundreds of digits can leave Double's range; check those as the full parser does.
        if exponentOrLong(start) {
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            guard let number = Double(text), number.isFinite else { throw JSONSyntaxError(offset: start, reason: "number out of range") }
        }
    }

    private func exponentOrLong(_ start: Int) -> Bool {
        position - start > 300 || bytes[start..<position].contains { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }

    private mutating func skipDigits() {
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
    }
}
