import Foundation
import JSON

/// `JSONSerialization`'s reading of a document, as a ``JSONValue``: the reference the
/// product's own parsers are checked against.
public enum FoundationJSON {
    /// The document, or `nil` when `JSONSerialization` refuses it.
    public static func parse(_ data: Data) -> JSONValue? {
        guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        return value(object)
    }

    static func value(_ object: Any) -> JSONValue {
        switch object {
        case is NSNull: return .null
        case let text as String: return .string(text)
        case let items as [Any]: return .array(items.map(value))
        case let members as [String: Any]: return .object(members.mapValues(value))
        case let number as NSNumber:
            // Booleans come back as NSNumber's boolean subclass.
            if String(describing: type(of: number)) == "__NSCFBoolean" { return .bool(number.boolValue) }
            return .number(number.doubleValue)
        case let decimal as Decimal: return .number(NSDecimalNumber(decimal: decimal).doubleValue)
        default: fatalError("JSONSerialization returned a \(type(of: object))")
        }
    }

    /// Whether two documents say the same, numbers compared to 1 part in 10^14: Foundation rounds
    /// long digit strings less exactly than `strtod` (the fuzzer found 114 digits that Foundation
    /// reads as 1.0000000000000002e114 and correctly rounded are 9.99999999999999e113).
    public static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.number(let x), .number(let y)):
            return x == y || abs(x - y) <= 1e-14 * max(abs(x), abs(y))
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy(same)
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { same(value, $0) } ?? false }
        default: return false
        }
    }
}
