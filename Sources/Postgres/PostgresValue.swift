import Foundation

/// A statement parameter: a value plus the PostgreSQL type it is sent as.
///
/// Parameters always travel separately from the SQL text (PQexecParams, text format), so no
/// value is ever spliced into a statement. Literals work directly:
/// `try await client.query("SELECT $1::int + $2", [1, 2])`, `[nil, "Zoë", true]`.
public enum PostgresValue: Sendable, Hashable {
    /// SQL NULL.
    case null
    /// Text, sent untyped so the server can coerce it to the column's type (text, varchar, enum...).
    case text(String)
    /// `int2`.
    case int16(Int16)
    /// `int4`.
    case int32(Int32)
    /// `int8` (also used for Swift `Int`).
    case int64(Int64)
    /// `float8`.
    case double(Double)
    /// `bool`.
    case bool(Bool)
    /// `timestamptz`, sent in UTC with microsecond precision.
    case timestamp(Date)
    /// `uuid`.
    case uuid(UUID)
    /// `jsonb` from raw UTF-8 JSON bytes; see ``json(_:encoder:)`` for `Encodable` values.
    case jsonb(Data)
    /// `bytea`: arbitrary bytes.
    case bytea(Data)
    /// `text[]`: a one-dimensional array of strings (NULL elements allowed).
    case textArray([String?])

    /// Encodes an `Encodable` value as a `jsonb` parameter.
    public static func json<T: Encodable>(_ value: T, encoder: JSONEncoder = JSONEncoder()) throws -> PostgresValue {
        .jsonb(try encoder.encode(value))
    }

    /// Wraps any ``PostgresEncodable`` value.
    public init<T: PostgresEncodable>(_ value: T) { self = value.postgresValue }

    /// Wraps an optional ``PostgresEncodable`` value; `nil` becomes SQL NULL.
    public init<T: PostgresEncodable>(_ value: T?) { self = value?.postgresValue ?? .null }

    /// The type OID sent with the parameter.
    var dataType: PostgresDataType {
        switch self {
        case .null, .text: .unspecified
        case .int16: .int2
        case .int32: .int4
        case .int64: .int8
        case .double: .float8
        case .bool: .bool
        case .timestamp: .timestamptz
        case .uuid: .uuid
        case .jsonb: .jsonb
        case .bytea: .bytea
        case .textArray: .textArray
        }
    }

    /// The text-format wire representation; nil for NULL.
    var textRepresentation: String? {
        switch self {
        case .null: nil
        case .text(let value): value
        case .int16(let value): String(value)
        case .int32(let value): String(value)
        case .int64(let value): String(value)
        case .double(let value): PostgresTextFormat.float8(value)
        case .bool(let value): value ? "t" : "f"
        case .timestamp(let value): PostgresTimestamp.format(value)
        case .uuid(let value): value.uuidString.lowercased()
        case .jsonb(let value): String(decoding: value, as: UTF8.self)
        case .bytea(let value): PostgresTextFormat.byteaHex(value)
        case .textArray(let value): PostgresArrayLiteral.format(value)
        }
    }
}

extension PostgresValue: ExpressibleByNilLiteral, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByFloatLiteral
{
    /// `nil` is SQL NULL.
    public init(nilLiteral: ()) { self = .null }
    /// A string literal is an untyped text parameter.
    public init(stringLiteral value: String) { self = .text(value) }
    /// An integer literal is an `int8` parameter.
    public init(integerLiteral value: Int64) { self = .int64(value) }
    /// A boolean literal is a `bool` parameter.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// A float literal is a `float8` parameter.
    public init(floatLiteral value: Double) { self = .double(value) }
}
