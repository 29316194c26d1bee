import Foundation

/// The encodings that keep a message 7-bit safe: RFC 2047 encoded words for headers, header
/// folding (RFC 5322 §2.2.3), and quoted-printable bodies (RFC 2045 §6.7).
public enum MIMEEncoding {
    /// Bytes of UTF-8 per encoded word: 39 bytes give 52 base64 characters, so a word is
    /// 64 characters (within RFC 2047's 75) and `Subject: ` plus one word stays under 78.
    static let bytesPerEncodedWord = 39

    /// Whether `text` is printable ASCII (space through `~`), needing no encoding in a header.
    public static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// `text` as RFC 2047 `B` encoded words (`=?UTF-8?B?...?=`), each at most 75 characters.
    /// Words split between Unicode scalars, never inside one's UTF-8 bytes, as RFC 2047 §5 asks.
    public static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > bytesPerEncodedWord {
                words.append(encodedWord(chunk))
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(encodedWord(chunk)) }
        return words
    }

    private static func encodedWord(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?\(Data(bytes).base64EncodedString())?="
    }

    /// One complete header field, `Name: value` without the final CRLF, with CR/LF and other
    /// control characters in `value` turned into spaces (no header injection through a rule's
    /// summary), non-ASCII text as encoded words, and lines folded at spaces to stay within 78.
    public static func unstructuredHeader(_ name: String, _ value: String) -> String {
        let cleaned = String(value.unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? " " : Character($0) })
        let words: [String]
        // Literal "=?" in plain text would be misread as the start of an encoded word.
        if isPlainASCII(cleaned), !cleaned.contains("=?") {
            words = cleaned.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        } else {
            words = encodedWords(cleaned)
        }
        return fold(name + ":", words)
    }

    /// Joins `words` after `lead` with single spaces, starting a continuation line (`CRLF SP`)
    /// before a word that would push the line past 78 characters.
    public static func fold(_ lead: String, _ words: [String], limit: Int = 78) -> String {
        var result = lead
        var lineLength = lead.utf8.count
        for word in words {
            if lineLength + 1 + word.utf8.count > limit, lineLength > 1 {
                result += "\r\n " + word
                lineLength = 1 + word.utf8.count
            } else {
                result += " " + word
                lineLength += 1 + word.utf8.count
            }
        }
        return result
    }

    /// `text` as quoted-printable with CRLF line endings and lines of at most 76 characters.
    ///
    /// Line breaks in `text` (LF or CRLF) become hard CRLF breaks; `=`, control characters and
    /// non-ASCII bytes become `=XX`; trailing spaces and tabs are encoded so no relay strips
    /// them; long lines get soft breaks (`=` CRLF) that never split an `=XX` triple.
    public static func quotedPrintable(_ text: String) -> String {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        return lines.map { quotedPrintableLine(Array($0.utf8)) }.joined(separator: "\r\n")
    }

    private static func quotedPrintableLine(_ bytes: [UInt8]) -> String {
        var output = ""
        var lineLength = 0
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            let literal = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                || ((byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")) && !isLast)
            let token = literal ? String(UnicodeScalar(byte)) : hexEscape(byte)
            // Keep room for the soft break's "=" unless this token ends the line.
            let room = isLast ? 76 : 75
            if lineLength + token.count > room {
                output += "=\r\n"
                lineLength = 0
            }
            output += token
            lineLength += token.count
        }
        return output
    }

    private static func hexEscape(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "=" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }
}
