import Foundation

/// A Swift type that a result column can be decoded into; see ``PostgresRow/decode(_:_:)``.
///
/// Decoding looks at the column's type OID, so an `int4` column decodes as `Int` but not as
/// `Bool`. `Optional<T>` decodes SQL NULL as `nil`; every other type rejects NULL with an error
/// naming the column.
public protocol PostgresDecodable: Sendable {
    /// Decodes a non-NULL value from its text-format bytes.
    static func decode(postgresText bytes: [UInt8], type: PostgresDataType) -> Self?
    /// The value SQL NULL decodes to, or nil when the type cannot represent NULL.
    static var postgresNull: Self? { get }
}

extension PostgresDecodable {
    /// What SQL NULL decodes to for this type.
    public static var postgresNull: Self? { nil }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    /// Decodes a non-NULL cell as `Wrapped`; nil when the column type does not fit.
    public static func decode(postgresText bytes: [UInt8], type: PostgresDataType) -> Wrapped?? {
        Wrapped.decode(postgresText: bytes, type: type).map { .some($0) }
    }
    /// What SQL NULL decodes to for this type.
    public static var postgresNull: Wrapped?? { .some(nil) }
}

/// Any column decodes as its text form, so types this module does not model (numeric, inet,
/// interval) are still readable.
extension String: PostgresDecodable {
    /// Decodes a non-NULL cell as `String`; nil when the column type does not fit.
    public static func decode(postgresText bytes: [UInt8], type: PostgresDataType) -> String? {
        String(decoding: bytes, as: UTF8.self)
    }
}

extension Int64: PostgresDecodable {
    /// Decodes a non-NULL cell as `Int64`; nil when the column type does not fit.
    public static func decode(postgresText bytes: [UInt8], type: PostgresDataType) -> Int64? {
        type.isInteger ? Int64(String(decoding: bytes, as: UTF8.self)) : nil
    }
}

extension Int: PostgresDecodable {
    /// Decodes a non-NULL cell as `Int`; nil when the column type does not fit.
    public static func decode(postgresText bytes: [UInt8], type: PostgresDataType) -> Int? {
        Int64.decode(postgresText: bytes, type: type).flatMap { Int(exactly: $0) }
    }
}

extension Int32: PostgresDecodable {
    /// Decodes a non-NULL cell as `Int32`; nil when the column type does not fit.
    public static func decode(postgresText bytes: [UInt8], type: PostgresDataType) -> Int32? {
        Int64.decode(postgresText: bytes, type: type).flatMap { Int32(exactly: $0) }
    }
}

extension Int16: PostgresDecodable {
    /// Decodes a non-NULL cell as `Int16`; nil when the column type does not fit.
    public static func decode(postgresText bytes: [UInt8], type: PostgresDataType) -> Int16? {
        Int64.decode(postgresText: bytes, type: type).flatMap { Int16(exactly: $0) }
    }
}

extension Double: PostgresDecodable {
    /// Decodes a non-NULL cell as `Double`; nil when the column type does not fit.
    public static func decode(postgresText bytes: [UInt8], type: PostgresDataType) -> Double? {
        guard type == .float8 || type == .float4 || type == .numeric || type.isInteger else { return nil }
        return PostgresTextFormat.parseFloat8(String(decoding: bytes, as: UTF8.self))
    }
}

extension Bool: PostgresDecodable {
    /// Decodes a non-NULL cell as `Bool`; nil when the column type does not fit.
    public static func decode(postgresText bytes: [UInt8], type: PostgresDataType) -> Bool? {
        guard type == .bool, bytes.count == 1 else { return nil }
        switch bytes[0] {
        case UInt8(ascii: "t"): return true
        case UInt8(ascii: "f"): return false
        default: return nil
        }
    }
}

extension Date: PostgresDecodable {
    /// Decodes a non-NULL cell as `Date`; nil when the column type does not fit.
    public static func decode(postgresText bytes: [UInt8], type: PostgresDataType) -> Date? {
        guard type == .timestamptz || type == .timestamp else { return nil }
        return PostgresTimestamp.parse(String(decoding: bytes, as: UTF8.self))
    }
}

extension UUID: PostgresDecodable {
    /// Decodes a non-NULL cell as `UUID`; nil when the column type does not fit.
    public static func decode(postgresText bytes: [UInt8], type: PostgresDataType) -> UUID? {
        guard type == .uuid || type.isTextual else { return nil }
        return UUID(uuidString: String(decoding: bytes, as: UTF8.self))
    }
}

/// `Data` decodes `json`/`jsonb` as the raw JSON bytes and `bytea` as its bytes.
extension Data: PostgresDecodable {
    /// Decodes a non-NULL cell as `Data`; nil when the column type does not fit.
    public static func decode(postgresText bytes: [UInt8], type: PostgresDataType) -> Data? {
        if type.isJSON || type.isTextual { return Data(bytes) }
        if type == .bytea { return PostgresTextFormat.parseByteaHex(bytes) }
        return nil
    }
}

extension Array: PostgresDecodable where Element == String {
    /// Decodes a non-NULL cell as `[String]`; nil when the column type does not fit.
    public static func decode(postgresText bytes: [UInt8], type: PostgresDataType) -> [String]? {
        guard type == .textArray || type == .varcharArray || type == .int8Array,
            let elements = PostgresArrayLiteral.parse(String(decoding: bytes, as: UTF8.self))
        else { return nil }
        // A NULL element has no String form; queries that can produce one use array_remove or
        // coalesce in SQL rather than silently dropping it here.
        return elements.contains(where: { $0 == nil }) ? nil : elements.compactMap { $0 }
    }
}

extension PostgresDecodable where Self: RawRepresentable, RawValue == String {
    /// Decodes a text column holding one of the enum's raw values; nil (a decoding error naming
    /// the column) for any other text, so a row the code does not understand is never guessed at.
    public static func decode(postgresText bytes: [UInt8], type: PostgresDataType) -> Self? {
        Self(rawValue: String(decoding: bytes, as: UTF8.self))
    }
}
