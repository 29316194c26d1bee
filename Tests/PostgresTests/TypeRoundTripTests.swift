import Foundation
import Postgres
import Testing
import TestSupport

/// Every supported type goes to the server as a parameter and comes back decoded unchanged.
@Suite struct TypeRoundTripTests {
    struct Document: Codable, Equatable {
        let name: String
        let tags: [String]
    }

    @Test func textIncludingNonASCIIRoundTrips() async throws {
        try await TestDatabase.with { database in
            for text in ["Zoë 🚀 Ünïcödé", "", "quote ' and \" and \\ backslash", "line\nbreak", "日本語テキスト"] {
                let row = try #require(try await database.client.query("SELECT $1::text AS t, $1::varchar AS v", [.text(text)]).first)
                #expect(try row.decode(String.self, "t") == text)
                #expect(try row.decode(String.self, "v") == text)
            }
        }
    }

    @Test func integersRoundTripIncludingExtremes() async throws {
        try await TestDatabase.with { database in
            for value in [Int16.min, -1, 0, Int16.max] {
                let row = try #require(try await database.client.query("SELECT $1::int2 AS v", [PostgresValue(value)]).first)
                #expect(try row.decode(Int16.self, "v") == value)
            }
            for value in [Int32.min, 0, Int32.max] {
                let row = try #require(try await database.client.query("SELECT $1::int4 AS v", [PostgresValue(value)]).first)
                #expect(try row.decode(Int32.self, "v") == value)
                #expect(try row.decode(Int.self, "v") == Int(value))
            }
            for value in [Int64.min, -42, 0, Int64.max] {
                let row = try #require(try await database.client.query("SELECT $1::int8 AS v", [PostgresValue(value)]).first)
                #expect(try row.decode(Int64.self, "v") == value)
            }
            let row = try #require(try await database.client.query("SELECT $1 AS v", [PostgresValue(Int.max)]).first)
            #expect(try row.decode(Int.self, "v") == Int.max)
        }
    }

    @Test func boolsDoublesUUIDsRoundTrip() async throws {
        try await TestDatabase.with { database in
            for value in [true, false] {
                let row = try #require(try await database.client.query("SELECT $1::bool AS v", [PostgresValue(value)]).first)
                #expect(try row.decode(Bool.self, "v") == value)
            }
            for value in [0.1, -2.5e-300, 1.7976931348623157e308, Double.infinity, -Double.infinity, 3.141592653589793] {
                let row = try #require(try await database.client.query("SELECT $1::float8 AS v", [PostgresValue(value)]).first)
                #expect(try row.decode(Double.self, "v") == value)
            }
            let nan = try #require(try await database.client.query("SELECT $1::float8 AS v", [.double(.nan)]).first)
            #expect(try nan.decode(Double.self, "v").isNaN)
            let uuid = UUID()
            let row = try #require(try await database.client.query("SELECT $1::uuid AS v", [PostgresValue(uuid)]).first)
            #expect(try row.decode(UUID.self, "v") == uuid)
        }
    }

    @Test func timestampsKeepMicroseconds() async throws {
        try await TestDatabase.with { database in
            let dates = [
                Date(timeIntervalSince1970: 1_764_081_151.123456),
                Date(timeIntervalSince1970: 0),
                Date(timeIntervalSince1970: -1_234_567_890.000001),
                Date(timeIntervalSince1970: 4_102_444_800.999999),
            ]
            for date in dates {
                let row = try #require(
                    try await database.client.query(
                        "SELECT $1::timestamptz AS tz, $1::timestamptz AT TIME ZONE 'UTC' AS plain, "
                            + "extract(microseconds FROM $1::timestamptz)::int8 % 1000000 AS micros",
                        [PostgresValue(date)]).first)
                let expectedMicros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
                let decoded = try row.decode(Date.self, "tz")
                #expect(Int64((decoded.timeIntervalSince1970 * 1_000_000).rounded()) == expectedMicros)
                let plain = try row.decode(Date.self, "plain")
                #expect(Int64((plain.timeIntervalSince1970 * 1_000_000).rounded()) == expectedMicros)
                let fraction = ((expectedMicros % 1_000_000) + 1_000_000) % 1_000_000
                #expect(try row.decode(Int64.self, "micros") == fraction)
            }
        }
    }

    @Test func timestampsInOtherSessionTimeZonesDecodeToTheSameInstant() async throws {
        try await TestDatabase.with { database in
            let date = Date(timeIntervalSince1970: 1_764_081_151.5)
            let decoded = try await database.client.withConnection { connection in
                try await connection.execute("SET TimeZone TO 'Asia/Kolkata'")
                let row = try #require(try await connection.query("SELECT $1::timestamptz::text AS shown, $1::timestamptz AS v", [.timestamp(date)]).first)
                #expect(try row.decode(String.self, "shown").hasSuffix("+05:30"))
                return try row.decode(Date.self, "v")
            }
            #expect(decoded == date)
        }
    }

    @Test func jsonbRoundTripsAsDataAndAsCodable() async throws {
        try await TestDatabase.with { database in
            let document = Document(name: "Zoë 🚀", tags: ["a", "b,c"])
            let row = try #require(try await database.client.query("SELECT $1::jsonb AS doc, $2::json AS raw", [
                try .json(document), .jsonb(Data(#"{"k": [1, 2]}"#.utf8)),
            ]).first)
            #expect(try row.decodeJSON(Document.self, "doc") == document)
            let raw = try row.decode(Data.self, "raw")
            #expect(String(decoding: raw, as: UTF8.self) == #"{"k": [1, 2]}"#)
        }
    }

    @Test func byteaAndTextArraysRoundTrip() async throws {
        try await TestDatabase.with { database in
            let bytes = Data([0, 1, 2, 0xfe, 0xff, 0x5c, 0x27])
            let strings = ["plain", "with space", "comma,inside", "quote\"d", "back\\slash", "NULL", "", "{braces}", "Zoë"]
            let row = try #require(try await database.client.query(
                "SELECT $1::bytea AS b, $2::text[] AS a, cardinality($2::text[]) AS n", [.bytea(bytes), PostgresValue(strings)]
            ).first)
            #expect(try row.decode(Data.self, "b") == bytes)
            #expect(try row.decode([String].self, "a") == strings)
            #expect(try row.decode(Int.self, "n") == strings.count)
        }
    }

    @Test func nullOfEveryTypeDecodesAsNil() async throws {
        try await TestDatabase.with { database in
            try await database.client.execute(
                """
                CREATE TABLE everything (
                    t text, i2 int2, i4 int4, i8 int8, b bool, ts timestamptz, u uuid, j jsonb, f float8, by bytea, a text[]
                )
                """)
            let inserted = try await database.client.execute(
                "INSERT INTO everything VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                Array(repeating: PostgresValue.null, count: 11))
            #expect(inserted == 1)
            let row = try #require(try await database.client.query("SELECT * FROM everything").first)
            #expect(try row.decode(String?.self, "t") == nil)
            #expect(try row.decode(Int16?.self, "i2") == nil)
            #expect(try row.decode(Int32?.self, "i4") == nil)
            #expect(try row.decode(Int64?.self, "i8") == nil)
            #expect(try row.decode(Bool?.self, "b") == nil)
            #expect(try row.decode(Date?.self, "ts") == nil)
            #expect(try row.decode(UUID?.self, "u") == nil)
            #expect(try row.decode(Data?.self, "j") == nil)
            #expect(try row.decode(Double?.self, "f") == nil)
            #expect(try row.decode(Data?.self, "by") == nil)
            #expect(try row.decode([String]?.self, "a") == nil)
            #expect(try row.isNull("t"))
            let error = try #require(throws: PostgresError.self) { try row.decode(String.self, "t") }
            #expect(error.kind == .decoding)
            #expect(error.message.contains("\"t\" is NULL"))
        }
    }

    @Test func valuesStoredInTypedColumnsComeBackUnchanged() async throws {
        try await TestDatabase.with { database in
            try await database.client.execute(
                "CREATE TABLE typed (t text, i2 int2, i4 int4, i8 int8, b bool, ts timestamptz, u uuid, j jsonb, f float8)")
            let when = Date(timeIntervalSince1970: 1_764_081_151.654321)
            let id = UUID()
            try await database.client.execute(
                "INSERT INTO typed VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                ["Zoë 🚀 Ünïcödé", PostgresValue(Int16(-7)), PostgresValue(Int32(70_000)), PostgresValue(Int64.max), true,
                 .timestamp(when), .uuid(id), .jsonb(Data(#"{"a":1}"#.utf8)), 2.5])
            let row = try #require(try await database.client.query("SELECT * FROM typed").first)
            #expect(try row.decode(String.self, "t") == "Zoë 🚀 Ünïcödé")
            #expect(try row.decode(Int16.self, "i2") == -7)
            #expect(try row.decode(Int32.self, "i4") == 70_000)
            #expect(try row.decode(Int64.self, "i8") == Int64.max)
            #expect(try row.decode(Bool.self, "b"))
            #expect(try row.decode(Date.self, "ts") == when)
            #expect(try row.decode(UUID.self, "u") == id)
            #expect(try row.decode(String.self, "j") == #"{"a": 1}"#)
            #expect(try row.decode(Double.self, "f") == 2.5)
            #expect(try row.decode(String.self, at: 0) == "Zoë 🚀 Ünïcödé")
        }
    }

    @Test func decodingIntoTheWrongTypeNamesTheColumnAndTypes() async throws {
        try await TestDatabase.with { database in
            let row = try #require(try await database.client.query("SELECT 300::int4 AS small, 'x'::text AS word").first)
            let overflow = try #require(throws: PostgresError.self) { try row.decode(Int8Wrapper.self, "small") }
            #expect(overflow.message.contains("\"small\""))
            let wrongType = try #require(throws: PostgresError.self) { try row.decode(Bool.self, "word") }
            #expect(wrongType.message.contains("text") && wrongType.message.contains("Bool"))
            let missing = try #require(throws: PostgresError.self) { try row.decode(Int.self, "nope") }
            #expect(missing.message.contains("no column named \"nope\""))
        }
    }
}

/// A type whose range (Int16 fits, but Int8 does not exist in this module) forces an overflow.
struct Int8Wrapper: PostgresDecodable {
    let value: Int8
    static func decode(postgresText bytes: [UInt8], type: PostgresDataType) -> Int8Wrapper? {
        Int64.decode(postgresText: bytes, type: type).flatMap { Int8(exactly: $0) }.map(Int8Wrapper.init)
    }
}
