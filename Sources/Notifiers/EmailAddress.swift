/// A mailbox as written in configuration: `alerts@example.com`, `<alerts@example.com>`,
/// `ChannelWatch <alerts@example.com>` or `"Ops, Berlin" <ops@example.com>`.
public struct EmailAddress: Sendable, Equatable {
    /// The display name, without quotes; `nil` when none was given.
    public var displayName: String?
    /// The bare address, used in the SMTP envelope.
    public var address: String

    /// Creates a mailbox from its parts.
    public init(displayName: String?, address: String) {
        self.displayName = displayName
        self.address = address
    }

    /// Parses `text`; `nil` when it holds no `local@domain` address or contains line breaks
    /// (which could inject headers).
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.contains(where: { $0 == "\r" || $0 == "\n" }) else { return nil }
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
                .trimmingCharacters(in: .whitespaces)
            var name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
            if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
                name = String(name.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
                    .replacingOccurrences(of: "\\\\", with: "\\")
            }
            displayName = name.isEmpty ? nil : name
        } else {
            address = trimmed
            displayName = nil
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
              !address.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," })
        else { return nil }
    }

    /// The part after `@`, used for the `Message-ID`'s right-hand side.
    public var domain: String {
        String(address[address.index(after: address.lastIndex(of: "@") ?? address.startIndex)...])
    }

    /// The mailbox as a header value: RFC 2047 encoded words for a non-ASCII name, a quoted
    /// string when the name holds RFC 5322 specials, the bare address without a name.
    public var headerValue: String {
        guard let displayName, !displayName.isEmpty else { return address }
        let name: String
        if !MIMEEncoding.isPlainASCII(displayName) {
            name = MIMEEncoding.encodedWords(displayName).joined(separator: " ")
        } else if displayName.contains(where: { "()<>[]:;@\\,.\"".contains($0) }) {
            name = "\"" + displayName.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"") + "\""
        } else {
            name = displayName
        }
        return "\(name) <\(address)>"
    }
}
