import Config
import Crypto
import Foundation

/// `x-360dialog-signature`: the HMAC-SHA256 of the raw request body keyed with the partner's
/// platform secret, as hex (either case), with or without a `sha256=` prefix.
public enum InboundSignature {
    /// The header's name (HTTP header names are case-insensitive).
    public static let headerName = "x-360dialog-signature"

    /// Whether `header` signs exactly `body` with one of `secrets` (several while a secret is
    /// rotated). The digests are compared in constant time; every secret is tried, so the time
    /// taken does not tell which one matched.
    public static func isValid(_ header: String?, body: Data, secrets: [Secret]) -> Bool {
        guard let header, let given = digest(fromHex: header) else { return false }
        var valid = false
        for secret in secrets where !secret.isEmpty {
            let key = SymmetricKey(data: Data(secret.revealed.utf8))
            if HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: body, using: key) { valid = true }
        }
        return valid
    }

    /// The header value signing `body` with `secret`: lower-case hex, no prefix (what
    /// `channelwatch webhooks send` and the simulator send).
    public static func headerValue(body: Data, secret: Secret) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.revealed.utf8)))
        return mac.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }

    /// The 32 bytes of a hex SHA-256 digest (`sha256=` prefix and surrounding spaces tolerated);
    /// nil for anything else.
    static func digest(fromHex text: String) -> [UInt8]? {
        var hex = Substring(text.trimmingCharacters(in: .whitespaces))
        if hex.lowercased().hasPrefix("sha256=") { hex = hex.dropFirst("sha256=".count) }
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
