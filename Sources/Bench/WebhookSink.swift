import FlyingFox
import Foundation
import PartnerAPI
import Primitives

/// The delivery benchmarks' webhook endpoint on 127.0.0.1, on FlyingFox like the simulator:
/// answers every POST with 200 `ok`, keeps connections alive (as libcurl reuses them), counts
/// requests and notes when a request whose body contains a watched marker arrives.
final class WebhookSink: Sendable {
    /// The port on 127.0.0.1.
    let port: UInt16
    private let server: HTTPServer
    private let serving: Task<Void, any Error>
    private let record: SinkRecord

    private init(port: UInt16, server: HTTPServer, serving: Task<Void, any Error>, record: SinkRecord) {
        self.port = port
        self.server = server
        self.serving = serving
        self.record = record
    }

    /// Listens on an ephemeral port of 127.0.0.1 and serves in the background until ``stop()``.
    static func start() async throws -> WebhookSink {
        let record = SinkRecord()
        let server = try HTTPServer.loopback(port: 0, timeout: 60, handler: SinkHandler(record: record))
        let serving = Task { try await server.run() }
        do {
            try await server.waitUntilListening(timeout: 10)
        } catch {
            serving.cancel()
            throw BenchError("webhook sink: cannot listen on 127.0.0.1: \(error)")
        }
        guard let port = await server.loopbackPort else {
            serving.cancel()
            throw BenchError("webhook sink: listening, but on no IPv4 port")
        }
        return WebhookSink(port: port, server: server, serving: serving, record: record)
    }

    /// `http://127.0.0.1:PORT/hook`.
    var url: String { "http://127.0.0.1:\(port)/hook" }

    /// Requests answered so far.
    var requestCount: Int { record.state.value.received }

    /// Starts watching for a request whose body contains `marker` (call before causing it).
    func watch(_ marker: String) {
        record.state.withLock { $0.watches[marker] = .some(nil) }
    }

    /// When the first request containing `marker` arrived, or `nil` if none has yet; once it has,
    /// the marker is no longer watched.
    func arrival(of marker: String) -> Date? {
        record.state.withLock { state in
            guard let arrived = state.watches[marker] ?? nil else { return nil }
            state.watches[marker] = nil
            return arrived
        }
    }

    /// Stops listening and closes open connections.
    func stop() async {
        await server.stop(timeout: 0)
        serving.cancel()
    }
}

/// What the sink has seen.
private final class SinkRecord: Sendable {
    struct State {
        var received = 0
        /// Watched markers and when the first request containing each arrived.
        var watches: [String: Date?] = [:]
    }
    let state = LockedBox(State())

    func note(_ body: Data) {
        let now = Date()
        state.withLock { state in
            state.received += 1
            guard !state.watches.isEmpty else { return }
            let text = String(decoding: body, as: UTF8.self)
            for (marker, arrived) in state.watches where arrived == nil && text.contains(marker) {
                state.watches[marker] = .some(now)
            }
        }
    }
}

private struct SinkHandler: HTTPHandler {
    let record: SinkRecord

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        record.note(try await request.bodyData)
        return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain"], body: Data("ok".utf8))
    }
}
