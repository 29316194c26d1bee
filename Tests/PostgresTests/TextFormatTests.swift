import Foundation
import Testing

@testable import Postgres

/// The pure text-format codecs, checked without a server.
@Suite struct TextFormatTests {
    @Test(arguments: [
        (0.0, "1970-01-01 00:00:00.000000+00"),
        (1_764_081_151.123456, "2025-11-25 14:32:31.123456+00"),
        (-0.5, "1969-12-31 23:59:59.500000+00"),
        (951_782_400, "2000-02-29 00:00:00.000000+00"),
    ])
    func timestampFormatting(seconds: Double, text: String) {
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: seconds)) == text)
        #expect(PostgresTimestamp.parse(text) == Date(timeIntervalSince1970: seconds))
    }

    @Test func timestampParsingHandlesOffsetsInfinityAndGarbage() {
        let utc = PostgresTimestamp.parse("2026-11-25 14:32:31.5+00")
        #expect(PostgresTimestamp.parse("2026-11-25 20:02:31.5+05:30") == utc)
        #expect(PostgresTimestamp.parse("2026-11-25 10:32:31.5-04") == utc)
        #expect(PostgresTimestamp.parse("2026-11-25 14:32:31.5") == utc)
        #expect(PostgresTimestamp.parse("infinity") == .distantFuture)
        #expect(PostgresTimestamp.parse("-infinity") == .distantPast)
        #expect(PostgresTimestamp.parse("2026-13-01 00:00:00+00") == nil)
        #expect(PostgresTimestamp.parse("yesterday") == nil)
        #expect(PostgresTimestamp.parse("2026-11-25 14:32:31+00 trailing") == nil)
    }

    @Test func arrayLiteralsRoundTrip() {
        let values: [String?] = ["a", "b c", "d,e", "\"q\"", "back\\slash", nil, "NULL", "", "{x}",
                                 "\\\"\\", "{\"k\":\"v \\u00e9\"}", "grüße 🙂 \""]
        #expect(PostgresArrayLiteral.parse(PostgresArrayLiteral.format(values)) == values)
        #expect(PostgresArrayLiteral.format(["a\"b\\"]) == #"{"a\"b\\"}"#)
        #expect(PostgresArrayLiteral.parse("{}") == [])
        #expect(PostgresArrayLiteral.parse("{plain,NULL,\"quoted\"}") == ["plain", nil, "quoted"])
        #expect(PostgresArrayLiteral.parse("[0:1]={a,b}") == ["a", "b"])
        #expect(PostgresArrayLiteral.parse("{{1,2},{3,4}}") == nil)
        #expect(PostgresArrayLiteral.parse("not an array") == nil)
    }

    @Test func aNULByteIsFoundAnywhere() {
        #expect(!LibPQSession.containsNUL("plain text, ümlaut"))
        #expect(!LibPQSession.containsNUL(""))
        #expect(LibPQSession.containsNUL("\u{0}"))
        #expect(LibPQSession.containsNUL(String(repeating: "x", count: 5_000) + "\u{0}"))
    }

    @Test func byteaHexRoundTrips() {
        let data = Data((0...255).map(UInt8.init))
        let text = PostgresTextFormat.byteaHex(data)
        #expect(text.hasPrefix("\\x00010203"))
        #expect(PostgresTextFormat.parseByteaHex(Array(text.utf8)) == data)
        #expect(PostgresTextFormat.parseByteaHex(Array("\\xZZ".utf8)) == nil)
    }

    @Test func migrationFileNames() {
        #expect(MigrationFile.parse("001_init.sql")! == (1, "init"))
        #expect(MigrationFile.parse("20261125_add-index.v2.sql")! == (20_261_125, "add-index.v2"))
        for bad in ["init.sql", "_init.sql", "001_.sql", "0x1_init.sql", "001_in it.sql", "001_init.SQL", "١٢_arabic_digits.sql"] {
            #expect(MigrationFile.parse(bad) == nil, "\(bad) should be rejected")
        }
    }

    @Test func secretsAreRedactedFromLibpqMessages() {
        let configuration = PostgresConfiguration(connectionString: "postgresql://u:p%40ss%20word@h/db")
        let message = "something echoed p@ss word and p%40ss%20word"
        let redacted = configuration.redactingSecrets(in: message)
        #expect(!redacted.contains("p@ss word"))
        #expect(!redacted.contains("p%40ss%20word"))
        let dashed = PostgresConfiguration(connectionString: "postgresql://u:Pa-ss_w.rd~x@h/db")
        #expect(dashed.redactingSecrets(in: "echo Pa-ss_w.rd~x") == "echo ********")
    }
}

@Suite struct ConnectionDefaultsTests {
    @Test func tcpKeepalivesAreOnByDefaultAndTheConnectionStringWins() throws {
        let defaults = PostgresConfiguration(connectionString: "host=db.internal").connectionKeywords
        let names = defaults.map(\.0)
        for keyword in ["keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count"] {
            let index = try #require(names.firstIndex(of: keyword), "\(keyword) is set")
            #expect(index < names.firstIndex(of: "dbname")!, "the connection string (dbname, expanded) overrides \(keyword)")
        }
        #expect(defaults.first { $0.0 == "keepalives_idle" }?.1 == "10")
    }
}

/// libpq's connection failures → the hint shown with them (each cause its own advice).
@Suite struct ConnectionFailureHintTests {
    @Test(arguments: [
        ("FATAL:  password authentication failed for user \"cw\"", "refused the password"),
        ("FATAL:  no pg_hba.conf entry for host \"10.0.0.5\", user \"cw\", database \"cw\", no encryption", "pg_hba.conf"),
        ("server does not support SSL, but SSL was required", "sslmode=prefer"),
        ("root certificate file \"/root/.postgresql/root.crt\" does not exist", "sslrootcert"),
        ("SSL error: certificate verify failed", "not signed by the CA"),
        ("server certificate for \"db\" does not match host name \"10.0.0.5\"", "name on the certificate"),
        ("connection to server at \"127.0.0.1\", port 5 failed: Connection refused", "nothing accepts connections"),
        ("could not translate host name \"dbb\" to address: Name or service not known", "does not resolve"),
        ("timeout expired", "connect_timeout"),
        ("FATAL:  sorry, too many clients already", "max_connections"),
        ("FATAL:  too many connections for role \"cw\"", "CONNECTION LIMIT"),
        ("FATAL:  remaining connection slots are reserved for non-replication superuser connections", "max_connections"),
        ("FATAL:  the database system is starting up", "retried"),
        ("FATAL:  the database system is shutting down", "retried"),
        ("FATAL:  database \"cw\" does not exist", "createdb"),
        ("FATAL:  role \"cw\" does not exist", "CREATE ROLE"),
        ("something libpq never said", "check that PostgreSQL is running"),
    ])
    func hint(message: String, expected: String) {
        #expect(ConnectionFailureHint.hint(forLibpqMessage: message).contains(expected))
    }
}
