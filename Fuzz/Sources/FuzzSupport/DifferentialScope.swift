import Foundation
import JSON

/// Inputs on which the product's JSON parser and `JSONSerialization` differ by design, left out
/// of the accept/reject comparison (both are still run on them, so a crash is still found).
public enum DifferentialScope {
    /// Why the two readers may disagree on `data`, or `nil` when they must agree.
    public static func exclusion(_ data: Data) -> String? {
        let bytes = [UInt8](data)
        // JSONSerialization guesses UTF-16/UTF-32 from a byte-order mark or zero bytes at the
        // start; HTTP bodies from the Partner API and partner webhooks are UTF-8 only.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) || bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE])
            || bytes.prefix(4).contains(0) {
            return "a byte-order mark or UTF-16/32 guess"
        }
        let structure = scanStructure(bytes)
        if structure.deepest >= 500 { return "nesting near either parser's depth limit" }
        // Foundation on Linux accepts `[1,]` and `{"a":1,}`; RFC 8259 does not, nor does ChannelWatch.
        if structure.trailingComma { return "a trailing comma, which only JSONSerialization accepts" }
        return nil
    }

    /// Whether the product refused a number beyond Double's range that `JSONSerialization`
    /// accepted: Foundation does not convert (or range-check) the value of a member that a
    /// repeated key later overwrites (`{"n":1e567890,"n":1}`), while ChannelWatch checks every byte.
    public static func foundationSkippedARangeCheck<T>(_ product: Result<T, JSONSyntaxError>, _ reference: JSONValue?) -> Bool {
        guard reference != nil, case .failure(let error) = product else { return false }
        return error.reason == "number out of range"
    }

    /// The deepest nesting of arrays and objects outside strings, and whether a `,` is followed
    /// (after whitespace) by a closing bracket.
    static func scanStructure(_ bytes: [UInt8]) -> (deepest: Int, trailingComma: Bool) {
        var depth = 0, deepest = 0, inString = false, escaped = false, afterComma = false, trailingComma = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case 0x20, 0x0A, 0x0D, 0x09: continue
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1; deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1; trailingComma = trailingComma || afterComma
            default: break
            }
            afterComma = byte == UInt8(ascii: ",")
        }
        return (deepest, trailingComma)
    }
}
