import Foundation

/// A loopback server speaking just enough of the PostgreSQL v3 protocol for libpq to connect,
/// run statements and LISTEN — whose first session then dies the way a terminated backend does,
/// but with the two halves pulled apart: the FATAL ErrorResponse arrives, and the close does not
/// come until the client sends something more.
///
/// A real backend sends FATAL and exits a moment later; a client that checks between the two sees
/// a healthy PQstatus. This server makes that moment last, so tests can prove the client treats
/// the FATAL alone as the end of the session. Later sessions behave normally.
public final class DyingPostgresServer: Sendable {
    /// The port on 127.0.0.1.
    public let port: Int
    private let server: SocketServer

    /// Starts listening; the first session gets the FATAL together with the reply to its
    /// `fatalAfterStatement`-th statement (1 is the `SET DateStyle` every session starts with).
    public init(fatalAfterStatement: Int) throws {
        server = try SocketServer { connection in
            Self.serve(connection, fatalAfterStatement: connection.number == 1 ? fatalAfterStatement : nil)
        }
        port = server.port
    }

    /// How many sessions have been opened so far (a reconnect opens one more).
    public var sessionsOpened: Int { server.acceptedConnections }

    /// A libpq URI for this server; the password is never checked.
    public var connectionString: String { "postgresql://tester@127.0.0.1:\(port)/fake?sslmode=disable&gssencmode=disable" }

    /// Closes every session and stops listening.
    public func stop() { server.stop() }

    /// The message the server sends when pg_terminate_backend ends a session.
    public static let fatalMessage = "terminating connection due to administrator command"

    private static func serve(_ connection: SinkConnection, fatalAfterStatement: Int?) {
        guard readStartup(connection) else { return }
        var reply = message("R", int32(0))  // AuthenticationOk
        for (name, value) in [
            ("server_version", "15.0"), ("client_encoding", "UTF8"), ("DateStyle", "ISO, MDY"),
            ("integer_datetimes", "on"), ("standard_conforming_strings", "on"),
        ] {
            reply += message("S", cString(name) + cString(value))
        }
        reply += message("K", int32(4242) + int32(1)) + readyForQuery
        guard connection.write(reply) else { return }

        var statements = 0
        while let (type, body) = readMessage(connection) {
            var answer = Data()
            switch type {
            case "Q": answer = message("C", cString(commandTag(body))) + readyForQuery
            case "P": answer = message("1", Data())
            case "B": answer = message("2", Data())
            case "D": answer = message("n", Data())
            case "E": answer = message("C", cString("OK"))
            case "S": answer = readyForQuery
            case "X": return
            default: break
            }
            if type == "Q" || type == "S" { statements += 1 }
            if statements == fatalAfterStatement, type == "Q" || type == "S" {
                // Like a terminated backend: the FATAL right behind the last reply, then nothing
                // more is answered; the close comes once the client sends anything.
                connection.write(answer + fatal)
                _ = readMessage(connection)
                return
            }
            if !answer.isEmpty, !connection.write(answer) { return }
        }
    }

    /// Reads the startup packet, declining SSL and GSS encryption requests first.
    private static func readStartup(_ connection: SinkConnection) -> Bool {
        while let lengthBytes = connection.readExactly(4) {
            let length = Int(lengthBytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self).bigEndian })
            guard length >= 8, let body = connection.readExactly(length - 4) else { return false }
            let code = body.prefix(4).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self).bigEndian }
            if code == 80_877_103 || code == 80_877_104 {  // SSLRequest, GSSENCRequest
                guard connection.write(Data("N".utf8)) else { return false }
                continue
            }
            return true
        }
        return false
    }

    private static func readMessage(_ connection: SinkConnection) -> (Character, Data)? {
        guard let header = connection.readExactly(5) else { return nil }
        let type = Character(UnicodeScalar(header[header.startIndex]))
        let length = Int(header.dropFirst().withUnsafeBytes { $0.loadUnaligned(as: UInt32.self).bigEndian })
        guard length >= 4, let body = connection.readExactly(length - 4) else { return nil }
        return (type, body)
    }

    /// The first word of a simple query, upper-cased: `SET` for `SET DateStyle ...`.
    private static func commandTag(_ query: Data) -> String {
        let text = String(decoding: query.prefix { $0 != 0 }, as: UTF8.self)
        return text.split(separator: " ").first.map { $0.uppercased() } ?? "EMPTY"
    }

    private static var readyForQuery: Data { message("Z", Data("I".utf8)) }

    private static var fatal: Data {
        var fields = Data()
        for (code, value) in [("S", "FATAL"), ("V", "FATAL"), ("C", "57P01"), ("M", fatalMessage)] {
            fields += Data(code.utf8) + cString(value)
        }
        return message("E", fields + Data([0]))
    }

    private static func message(_ type: Character, _ body: Data) -> Data {
        Data(String(type).utf8) + int32(UInt32(body.count + 4)) + body
    }

    private static func int32(_ value: UInt32) -> Data {
        withUnsafeBytes(of: value.bigEndian) { Data($0) }
    }

    private static func cString(_ text: String) -> Data {
        Data(text.utf8) + Data([0])
    }
}
