import Alerting
import Foundation

/// A stable 64-bit FNV-1a hash of a document's bytes, stored with each snapshot so an
/// unchanged channel is recognised without loading or comparing its document.
///
/// Not cryptographic and not meant to be: a collision would only hide one change of one
/// channel until its next change, and FNV is fast (100,000 documents hash in milliseconds).
public enum Fingerprint {
    /// Hex text of the FNV-1a 64 hash of `bytes`.
    public static func of(_ bytes: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        bytes.withUnsafeBytes { buffer in
            for byte in buffer {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The fingerprint of several texts, e.g. every rule file, in order.
    public static func of(_ texts: [String]) -> String {
        of(Data(texts.joined(separator: "\u{0}").utf8))
    }
}
