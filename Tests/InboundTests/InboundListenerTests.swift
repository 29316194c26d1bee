import Config
import Curl
import Foundation
import Inbound
import Logging
import Postgres
import Primitives
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The listener end to end over loopback: real HTTP (libcurl and raw sockets), real PostgreSQL.
@Suite struct InboundListenerTests {
    static let secret = Secret("platform-secret-0123456789")

    /// A migrated database, the endpoint for partner `p1` and the listener on a free port.
    struct World {
        let database: TestDatabase
        let server: InboundHTTPServer
        let counted: LockedBox<[String]>

        static func make(function: String = #function) async throws -> World {
            let database = try await TestDatabase.create(function: function)
            _ = try await Migrator(directory: ChannelWatchBinary.repositoryRoot.appendingPathComponent("sql"),
                                   logger: Logger(label: "test.migrate")).migrate(using: database.client)
            let counted = LockedBox<[String]>([])
            let endpoint = InboundEndpoint(
                authentication: { $0 == "p1" ? InboundAuthentication(secrets: [InboundListenerTests.secret], basicAuth: nil) : nil },
                inbox: InboundInbox(database: database.client), logger: Logger(label: "test.inbound"),
                count: { partner, _, outcome in counted.withLock { $0.append("\(partner) \(outcome)") } })
            let server = try InboundHTTPServer.start(host: "127.0.0.1", port: 0, handler: .async { await endpoint.handle($0) })
            return World(database: database, server: server, counted: counted)
        }

        var url: String { "http://127.0.0.1:\(server.port)/webhooks/360dialog/p1" }

        func post(_ body: String, to url: String? = nil, signed: Bool = true) async throws -> HTTPResponse {
            let data = Data(body.utf8)
            var headers = [HTTPHeader(name: "Content-Type", value: "application/json")]
            if signed {
                headers.append(HTTPHeader(name: "x-360dialog-signature",
                                          value: InboundSignature.headerValue(body: data, secret: InboundListenerTests.secret)))
            }
            return try await HTTPClient.shared.send(HTTPRequest(method: "POST", url: url ?? self.url, headers: headers, body: data))
        }

        func rows() async throws -> Int {
            try await database.client.query("SELECT count(*)::int8 AS n FROM inbound_webhooks")[0].decode(Int.self, "n")
        }

        func tearDown() async {
            server.stop()
            try? await database.drop()
        }
    }

    @Test func anAcceptedEventIsCommittedBeforeThe200AndARepeatIsOnlyCounted() async throws {
        let world = try await World.make()
        defer { Task { await world.tearDown() } }
        let body = #"{"id": "evt-1", "event": "channel_live", "data": {"id": "c1", "waba_account": {"id": "w1"}}}"#
        let first = try await world.post(body)
        #expect(first.status == 200 && first.bodyText == #"{"status":"accepted"}"#)
        let row = try await world.database.client.query(
            "SELECT partner_id, event_key, event, body, names, status, duplicates FROM inbound_webhooks")
        #expect(row.count == 1)
        #expect(try row[0].decode(String.self, "event_key") == "id:evt-1")
        #expect(try row[0].decode(String.self, "event") == "channel_live")
        #expect(try row[0].decode(String.self, "body") == body, "the raw body, byte for byte")
        #expect(try row[0].decode(String.self, "status") == "pending")
        let names = try row[0].decodeJSON(ChannelReferences.self, "names")
        #expect(names == ChannelReferences(channelIDs: ["c1"], wabaIDs: ["w1"]))

        let again = try await world.post(body)
        #expect(again.status == 200 && again.bodyText == #"{"status":"duplicate"}"#)
        #expect(try await world.rows() == 1)
        #expect(try await world.database.client.query("SELECT duplicates FROM inbound_webhooks")[0].decode(Int.self, "duplicates") == 1)
        // Without an id, the body's hash is the key: the same bytes are a repeat, other bytes are not.
        #expect(try await world.post(#"{"event": "channel_ready"}"#).bodyText.contains("accepted"))
        #expect(try await world.post(#"{"event": "channel_ready"}"#).bodyText.contains("duplicate"))
        #expect(try await world.post(#"{"event":"channel_ready"}"#).bodyText.contains("accepted"))
        #expect(try await world.rows() == 3)
        #expect(world.counted.value == ["p1 accepted", "p1 duplicate", "p1 accepted", "p1 duplicate", "p1 accepted"])
    }

    @Test func everyRefusalStoresNothing() async throws {
        let world = try await World.make()
        defer { Task { await world.tearDown() } }
        let unsigned = try await world.post(#"{"event": "x"}"#, signed: false)
        #expect(unsigned.status == 401 && unsigned.bodyText.contains("unauthenticated"))
        #expect(try await world.post("[1, 2]").status == 400)
        #expect(try await world.post("not json").status == 400)
        #expect(try await world.post("{}", to: "http://127.0.0.1:\(world.server.port)/webhooks/360dialog/nobody").status == 404)
        #expect(try await world.post("{}", to: "http://127.0.0.1:\(world.server.port)/metrics").status == 404)
        let get = try await HTTPClient.shared.send(HTTPRequest(url: world.url))
        #expect(get.status == 405)
        let large = "{\"pad\": \"" + String(repeating: "x", count: InboundRequest.maximumBodyBytes) + "\"}"
        #expect(try await world.post(large).status == 413)
        #expect(try await world.rows() == 0)
        #expect(world.counted.value == ["p1 unauthorized", "p1 invalid", "p1 invalid", " not_found", " not_found",
                                        " method_not_allowed", "p1 too_large"])
    }

    @Test func anOversizedBodyIsRefusedBeforeItIsSent() async throws {
        let world = try await World.make()
        defer { Task { await world.tearDown() } }
        let socket = try RawClient(port: world.server.port)
        // Only the head: the answer must come without the 50 MB the head announces.
        socket.send("POST /webhooks/360dialog/p1 HTTP/1.1\r\nHost: x\r\nContent-Length: 52428800\r\n\r\n")
        let answer = try await socket.receive(timeout: .seconds(5))
        #expect(answer.hasPrefix("HTTP/1.1 413 "), "\(answer)")
        #expect(answer.contains("Connection: close"))
        #expect(try await socket.isClosedByPeer(timeout: .seconds(5)))
    }

    @Test func aChunkedBodyIsReadAndCutOffAtTheLimit() async throws {
        let world = try await World.make()
        defer { Task { await world.tearDown() } }
        let body = #"{"id": "chunked-1", "event": "channel_ready"}"#
        let signature = InboundSignature.headerValue(body: Data(body.utf8), secret: Self.secret)
        let half = body.index(body.startIndex, offsetBy: 10)
        let socket = try RawClient(port: world.server.port)
        let first = String(body[..<half]), second = String(body[half...])
        let request = "POST /webhooks/360dialog/p1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            + "x-360dialog-signature: \(signature)\r\n\r\n"
            + String(first.utf8.count, radix: 16) + "\r\n" + first + "\r\n"
            + String(second.utf8.count, radix: 16) + "\r\n" + second + "\r\n0\r\n\r\n"
        socket.send(request)
        #expect(try await socket.receive(timeout: .seconds(5)).hasPrefix("HTTP/1.1 200 "))
        #expect(try await world.rows() == 1)

        let endless = try RawClient(port: world.server.port)
        endless.send("POST /webhooks/360dialog/p1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        let chunk = String(repeating: "y", count: 64 * 1024)
        try await offThePool { for _ in 0..<17 { endless.send(String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n") } }
        #expect(try await endless.receive(timeout: .seconds(5)).hasPrefix("HTTP/1.1 413 "))
        #expect(try await world.rows() == 1)
    }

    @Test func aHalfSentRequestTimesOutAndTheListenerKeepsServing() async throws {
        let world = try await World.make()
        defer { Task { await world.tearDown() } }
        let slow = try RawClient(port: world.server.port)
        let started = ContinuousClock.now
        slow.send("POST /webhooks/360dialog/p1 HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"event\"")
        // Meanwhile others are served at once.
        #expect(try await world.post(#"{"event": "channel_ready", "id": "during"}"#).status == 200)
        let answer = try await slow.receive(timeout: .seconds(15))
        let waited = ContinuousClock.now - started
        #expect(answer.hasPrefix("HTTP/1.1 408 "), "\(answer)")
        #expect(waited >= .seconds(9) && waited < .seconds(14), "\(waited)")
        #expect(try await world.rows() == 1)

        let silent = try RawClient(port: world.server.port)
        #expect(try await silent.isClosedByPeer(timeout: .seconds(8)), "an idle connection is closed after 5 s")
    }

    @Test func aMalformedHeadIsA400() async throws {
        let world = try await World.make()
        defer { Task { await world.tearDown() } }
        for head in ["GARBAGE\r\n\r\n", "POST /x HTTP/2.0\r\n\r\n", "POST /x HTTP/1.1\r\nno colon\r\n\r\n",
                     "POST /webhooks/360dialog/p1 HTTP/1.1\r\nContent-Length: -4\r\n\r\n"] {
            let socket = try RawClient(port: world.server.port)
            socket.send(head)
            #expect(try await socket.receive(timeout: .seconds(5)).hasPrefix("HTTP/1.1 400 "), "\(head)")
        }
        let socket = try RawClient(port: world.server.port)
        socket.send("POST / HTTP/1.1\r\nX: " + String(repeating: "h", count: 20_000) + "\r\n\r\n")
        #expect(try await socket.receive(timeout: .seconds(5)).hasPrefix("HTTP/1.1 431 "))
    }
}

/// A blocking TCP client for requests libcurl will not send (half-sent, oversized, malformed).
final class RawClient: Sendable {
    let descriptor: Int32

    init(port: UInt16) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw SinkSocketError("connect 127.0.0.1:\(port)") }
    }

    deinit { close(descriptor) }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return }
            offset += written
        }
    }

    /// What arrives until the peer closes or `timeout` passes (at least the first bytes); waits
    /// on a Dispatch thread, so the listener's handlers keep Swift's few pool threads.
    func receive(timeout: Duration) async throws -> String {
        try await offThePool { self.blockingReceive(timeout: timeout) }
    }

    /// Whether the peer closes the connection within `timeout`.
    func isClosedByPeer(timeout: Duration) async throws -> Bool {
        try await offThePool { self.blockingIsClosedByPeer(timeout: timeout) }
    }

    private func blockingReceive(timeout: Duration) -> String {
        var received: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var state = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&state, 1, 100) > 0 else {
                if !received.isEmpty, String(decoding: received, as: UTF8.self).contains("\r\n\r\n") { break }
                continue
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            received += chunk[..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    private func blockingIsClosedByPeer(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var state = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&state, 1, 100) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return true }
        }
        return false
    }
}
