import Foundation

/// Small, independent decoders the email tests use to read back what the renderer produced.
enum MIMEDecoding {
    /// Decodes RFC 2047 encoded words (`=?charset?B|Q?text?=`) in a header value; whitespace
    /// between adjacent encoded words is dropped, as RFC 2047 §6.2 says.
    static func decodeHeader(_ value: String) -> String {
        let unfolded = value.replacingOccurrences(of: "\r\n ", with: " ")
        let pattern = try! NSRegularExpression(pattern: #"=\?([^?]+)\?([BbQq])\?([^?]*)\?="#)
        let text = unfolded as NSString
        var result = ""
        var cursor = 0
        var previousWasEncoded = false
        for match in pattern.matches(in: unfolded, range: NSRange(location: 0, length: text.length)) {
            let between = text.substring(with: NSRange(location: cursor, length: match.range.location - cursor))
            if !(previousWasEncoded && between.allSatisfy(\.isWhitespace)) { result += between }
            let encoding = text.substring(with: match.range(at: 2)).uppercased()
            let payload = text.substring(with: match.range(at: 3))
            let bytes: Data
            if encoding == "B" {
                bytes = Data(base64Encoded: payload) ?? Data()
            } else {
                bytes = decodeQuotedPrintableBytes(payload.replacingOccurrences(of: "_", with: " "))
            }
            result += String(decoding: bytes, as: UTF8.self)
            cursor = match.range.location + match.range.length
            previousWasEncoded = true
        }
        result += text.substring(from: cursor)
        return result
    }

    /// Decodes a quoted-printable body: soft breaks removed, `=XX` turned back into bytes.
    static func decodeQuotedPrintable(_ text: String) -> String {
        String(decoding: decodeQuotedPrintableBytes(text.replacingOccurrences(of: "=\r\n", with: "")), as: UTF8.self)
    }

    private static func decodeQuotedPrintableBytes(_ text: String) -> Data {
        var bytes = Data()
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "="), index + 2 < utf8.count,
               let byte = UInt8(String(decoding: utf8[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                bytes.append(byte)
                index += 3
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return bytes
    }

    /// A message split into unfolded headers and body.
    struct Parsed {
        var headers: [(name: String, value: String)]
        var body: String

        func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    /// Splits `text` at the first blank line; folded header lines are kept with their CRLF.
    static func parse(_ text: String) -> Parsed {
        let split = text.range(of: "\r\n\r\n")
        let head = split.map { String(text[..<$0.lowerBound]) } ?? text
        let body = split.map { String(text[$0.upperBound...]) } ?? ""
        var headers: [(name: String, value: String)] = []
        for line in head.components(separatedBy: "\r\n") {
            if line.hasPrefix(" ") || line.hasPrefix("\t"), !headers.isEmpty {
                headers[headers.count - 1].value += "\r\n" + line
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
            }
        }
        return Parsed(headers: headers, body: body)
    }

    /// The parts of a multipart body, each parsed.
    static func parts(of body: String, boundary: String) -> [Parsed] {
        let sections = body.components(separatedBy: "--\(boundary)")
        // [preamble, part..., "--\r\n" epilogue]
        return sections.dropFirst().dropLast().map { section in
            var part = section
            if part.hasPrefix("\r\n") { part.removeFirst() }
            if part.hasSuffix("\r\n") { part.removeLast() }
            return parse(part)
        }
    }
}
