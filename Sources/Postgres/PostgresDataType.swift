/// A PostgreSQL type OID, as reported for result columns and sent for parameters.
///
/// Only the built-in types this module encodes or decodes are named; any other OID is still
/// representable and decodes as `String` (its text form).
public struct PostgresDataType: Hashable, Sendable, CustomStringConvertible {
    /// The OID from `pg_type`.
    public let oid: UInt32

    /// Wraps a raw OID.
    public init(oid: UInt32) { self.oid = oid }

    /// Let the server infer the type from context (OID 0): how untyped string parameters travel.
    public static let unspecified = PostgresDataType(oid: 0)
    /// The `bool` type (OID 16).
    public static let bool = PostgresDataType(oid: 16)
    /// The `bytea` type (OID 17).
    public static let bytea = PostgresDataType(oid: 17)
    /// The `name` type (OID 19).
    public static let name = PostgresDataType(oid: 19)
    /// The `int8` type (OID 20).
    public static let int8 = PostgresDataType(oid: 20)
    /// The `int2` type (OID 21).
    public static let int2 = PostgresDataType(oid: 21)
    /// The `int4` type (OID 23).
    public static let int4 = PostgresDataType(oid: 23)
    /// The `text` type (OID 25).
    public static let text = PostgresDataType(oid: 25)
    /// The `oid` type (OID 26).
    public static let oidType = PostgresDataType(oid: 26)
    /// The `json` type (OID 114).
    public static let json = PostgresDataType(oid: 114)
    /// The `float4` type (OID 700).
    public static let float4 = PostgresDataType(oid: 700)
    /// The `float8` type (OID 701).
    public static let float8 = PostgresDataType(oid: 701)
    /// The `text[]` type (OID 1009).
    public static let textArray = PostgresDataType(oid: 1009)
    /// The `varchar[]` type (OID 1015).
    public static let varcharArray = PostgresDataType(oid: 1015)
    /// The `int8[]` type (OID 1016).
    public static let int8Array = PostgresDataType(oid: 1016)
    /// The `bpchar` type (OID 1042).
    public static let bpchar = PostgresDataType(oid: 1042)
    /// The `varchar` type (OID 1043).
    public static let varchar = PostgresDataType(oid: 1043)
    /// The `timestamp` type (OID 1114).
    public static let timestamp = PostgresDataType(oid: 1114)
    /// The `timestamptz` type (OID 1184).
    public static let timestamptz = PostgresDataType(oid: 1184)
    /// The `numeric` type (OID 1700).
    public static let numeric = PostgresDataType(oid: 1700)
    /// The `uuid` type (OID 2950).
    public static let uuid = PostgresDataType(oid: 2950)
    /// The `jsonb` type (OID 3802).
    public static let jsonb = PostgresDataType(oid: 3802)

    static let knownNames: [UInt32: String] = [
        0: "unspecified", 16: "bool", 17: "bytea", 19: "name", 20: "int8", 21: "int2", 23: "int4",
        25: "text", 26: "oid", 114: "json", 700: "float4", 701: "float8", 1009: "text[]",
        1015: "varchar[]", 1016: "int8[]", 1042: "bpchar", 1043: "varchar", 1114: "timestamp",
        1184: "timestamptz", 1700: "numeric", 2950: "uuid", 3802: "jsonb",
    ]

    /// The type's name (`int8`, `jsonb`) or `oid 12345` for types this module does not name.
    public var description: String { Self.knownNames[oid] ?? "oid \(oid)" }

    var isTextual: Bool { [.text, .varchar, .name, .bpchar, .unspecified].contains(self) }
    var isInteger: Bool { [.int2, .int4, .int8, .oidType].contains(self) }
    var isJSON: Bool { self == .json || self == .jsonb }
}
