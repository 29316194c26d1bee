import Config
import Crypto
import Foundation

/// The `X-ChannelWatch-Signature` header:
/// `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
///
/// The timestamp is signed with the body so a receiver can reject replays older than it cares
/// to accept; the hex digest is lower-case.
public enum WebhookSignature {
    /// The header's name.
    public static let headerName = "X-ChannelWatch-Signature"

    /// The header value signing `body` at `timestamp` (Unix seconds) with `secret`.
    public static func headerValue(secret: Secret, body: Data, timestamp: Int) -> String {
        "t=\(timestamp),v1=\(hexDigest(secret: secret, body: body, timestamp: timestamp))"
    }

    /// The lower-case hex HMAC-SHA256 of `"<timestamp>.<body>"` keyed with `secret`.
    public static func hexDigest(secret: Secret, body: Data, timestamp: Int) -> String {
        var signed = Data("\(timestamp).".utf8)
        signed.append(body)
        let key = SymmetricKey(data: Data(secret.revealed.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: key)
        return mac.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
