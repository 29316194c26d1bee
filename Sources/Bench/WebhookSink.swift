import Foundation
import Primitives
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 webhook endpoint on 127.0.0.1 for the delivery benchmarks: answers every
/// POST with 200, keeps connections alive (as libcurl reuses them), counts requests and notes
/// when a request whose body contains a watched marker arrives.
///
/// Blocking POSIX sockets, one thread per connection: the delivery worker keeps at most a
/// handful of connections open, and blocking reads keep the sink's own cost small and steady.
/// (A FlyingFox sink, tried, spent so much of the two cores that deliveries/s fell from about
/// 4,200 to 2,450: the figure would have measured the sink.)
final class WebhookSink: Sendable {
    /// The port on 127.0.0.1.
    let port: UInt16
    private let listener: Int32
    private let state = LockedBox(State())

    private struct State {
        var received = 0
        /// Watched markers and when the first request containing each arrived.
        var watches: [String: Date?] = [:]
        var connections: Set<Int32> = []
        var stopped = false
    }

    /// Listens on an ephemeral port of 127.0.0.1 and serves on threads of its own.
    static func start() async throws -> WebhookSink { try WebhookSink() }

    /// Binds an ephemeral port on 127.0.0.1 and starts accepting.
    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw BenchError("webhook sink: socket() failed: errno \(errno)") }
        var reuse: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 128) == 0 && getsockname(listener, pointer, &length) == 0
            }
        }
        guard listening else {
            let code = errno
            Glibc.close(listener)
            throw BenchError("webhook sink: cannot listen on 127.0.0.1: errno \(code)")
        }
        self.listener = listener
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "bench-webhook-sink"
        thread.start()
    }

    /// `http://127.0.0.1:PORT/hook`.
    var url: String { "http://127.0.0.1:\(port)/hook" }

    /// Requests answered so far.
    var requestCount: Int { state.value.received }

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

    /// Stops accepting and shuts every connection down; threads end on their own.
    func stop() async {
        let open: Set<Int32> = state.withLock { state in
            state.stopped = true
            return state.connections
        }
        shutdown(listener, Int32(SHUT_RDWR))
        for descriptor in open { shutdown(descriptor, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop() {
        while true {
            let descriptor = accept(listener, nil, nil)
            if descriptor < 0 {
                if errno == EINTR { continue }
                break
            }
            var noDelay: Int32 = 1
            setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            let accepted = state.withLock { state in
                guard !state.stopped else { return false }
                state.connections.insert(descriptor)
                return true
            }
            guard accepted else {
                Glibc.close(descriptor)
                break
            }
            let thread = Thread { [self] in serve(descriptor) }
            thread.name = "bench-webhook-connection"
            thread.start()
        }
        Glibc.close(listener)
    }

    private func serve(_ descriptor: Int32) {
        var reader = SinkRequestReader(descriptor: descriptor)
        while let request = reader.next() {
            if request.expectsContinue { send("HTTP/1.1 100 Continue\r\n\r\n", to: descriptor) }
            guard let body = reader.body(length: request.contentLength) else { break }
            note(body)
            let closing = request.wantsClose
            send("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
                 + (closing ? "Connection: close\r\n" : "") + "\r\nok", to: descriptor)
            if closing { break }
        }
        state.withLock { _ = $0.connections.remove(descriptor) }
        Glibc.close(descriptor)
    }

    private func note(_ body: [UInt8]) {
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

    private func send(_ text: String, to descriptor: Int32) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return }
            offset += written
        }
    }
}
