import Config
import Crypto
import Foundation

/// HTTP Basic credentials a partner configured with its webhook URL (360dialog sends the
/// header it was given with every event).
public struct InboundBasicAuth: Sendable {
    /// The expected user name.
    public var username: String
    /// The expected password (a secret: never logged).
    public var password: Secret

    public init(username: String, password: Secret) {
        self.username = username
        self.password = password
    }

    /// Whether an `Authorization` header carries these credentials. Compared as SHA-256 digests
    /// in constant time, so neither the length nor the first differing byte shows in the timing.
    public func accepts(_ header: String?) -> Bool {
        guard let header else { return false }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic",
              let decoded = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)) else { return false }
        let expected = Data("\(username):\(password.revealed)".utf8)
        return Self.constantTimeEqual(SHA256.hash(data: decoded), SHA256.hash(data: expected))
    }

    /// The header value for these credentials (for `channelwatch webhooks send`).
    public var headerValue: String {
        "Basic " + Data("\(username):\(password.revealed)".utf8).base64EncodedString()
    }

    private static func constantTimeEqual(_ left: SHA256.Digest, _ right: SHA256.Digest) -> Bool {
        var difference: UInt8 = 0
        for (a, b) in zip(left, right) { difference |= a ^ b }
        return difference == 0
    }
}
