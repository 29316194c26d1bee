import Foundation
import Inbound
import Primitives

/// The delivery benchmarks' webhook endpoint on 127.0.0.1: answers every POST with 200, keeps
/// connections alive (as libcurl reuses them), counts requests and notes when a request whose
/// body contains a watched marker arrives.
///
/// It is the inbound listener's server (``InboundHTTPServer``) with a blocking handler: one thread
/// per connection and little work per request, so the bench measures ChannelWatch rather than the
/// sink. (A FlyingFox sink, tried, spent enough of the two cores that deliveries/s fell from
/// about 4,200 to 2,450.)
final class WebhookSink: Sendable {
    private let server: InboundHTTPServer
    private let state: LockedBox<State>

    private struct State {
        var received = 0
        var lastRequestAt: Date?
        /// Watched markers and when the first request containing each arrived.
        var watches: [String: Date?] = [:]
    }

    private init(server: InboundHTTPServer, state: LockedBox<State>) {
        self.server = server
        self.state = state
    }

    /// Listens on an ephemeral port of 127.0.0.1 and serves on threads of its own.
    static func start() async throws -> WebhookSink {
        let state = LockedBox(State())
        let server = try InboundHTTPServer.start(host: "127.0.0.1", port: 0, handler: .blocking { request in
            WebhookSink.note(request.body, in: state)
            return InboundHTTPResponse(status: 200, body: "ok")
        })
        return WebhookSink(server: server, state: state)
    }

    /// The port on 127.0.0.1.
    var port: UInt16 { server.port }

    /// `http://127.0.0.1:PORT/hook`.
    var url: String { "http://127.0.0.1:\(port)/hook" }

    /// Requests answered so far.
    var requestCount: Int { state.value.received }

    /// When the latest request arrived.
    var lastRequestAt: Date? { state.value.lastRequestAt }

    /// Starts watching for a request whose body contains `marker` (call before causing it).
    func watch(_ marker: String) {
        state.withLock { $0.watches[marker] = .some(nil) }
    }

    /// When the first request containing `marker` arrived, or `nil` if none has yet; once it has,
    /// the marker is no longer watched.
    func arrival(of marker: String) -> Date? {
        state.withLock { state in
            guard let arrived = state.watches[marker] ?? nil else { return nil }
            state.watches[marker] = nil
            return arrived
        }
    }

    /// Stops accepting and shuts every connection down.
    func stop() async {
        server.stop()
    }

    private static func note(_ body: Data, in state: LockedBox<State>) {
        let now = Date()
        state.withLock { state in
            state.received += 1
            state.lastRequestAt = now
            guard !state.watches.isEmpty else { return }
            let text = String(decoding: body, as: UTF8.self)
            for (marker, arrived) in state.watches where arrived == nil && text.contains(marker) {
                state.watches[marker] = .some(now)
            }
        }
    }
}
