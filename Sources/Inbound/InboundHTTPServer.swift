import Dispatch
import Foundation
import Primitives
#if canImport(Glibc)
import Glibc
#endif

/// The inbound listener's HTTP/1.1 server. It faces the internet, so it is small and strict:
///
/// - a head over 16 KiB is answered 431; a body declared (or sent chunked) over
///   ``InboundRequest/maximumBodyBytes`` is answered 413 without reading further, and the
///   connection is closed;
/// - each request must arrive whole within 10 s of its first byte, and a kept-alive connection
///   is closed after 5 s without a new request, so a slow or half-sent request holds its thread
///   for seconds, never longer;
/// - at most 256 connections at once; more are answered 503 and closed;
/// - one thread per connection, blocking in `poll(2)` with those deadlines; an async handler
///   runs on Swift's pool while the connection's thread waits for it, a blocking one on that thread.
///
/// The bench's webhook sink is the same server with a blocking handler: its own cost per request
/// stays small, so the bench measures ChannelWatch rather than the sink.
///
/// (FlyingFox, used for `listen`, reads the rest of an oversized body before it answers and has
/// no read timeouts: right for a metrics endpoint on a private network, not for this one.)
public final class InboundHTTPServer: Sendable {
    /// The port it listens on (the system's choice when 0 was asked for).
    public let port: UInt16
    private let listener: Int32
    private let handler: Handler
    private let connections = LockedBox(Connections())

    /// What answers a request.
    public enum Handler: Sendable {
        /// Runs on Swift's pool (database work); the connection's thread waits for it.
        case async(@Sendable (InboundHTTPRequest) async -> InboundHTTPResponse)
        /// Runs on the connection's thread (cheap, non-blocking work).
        case blocking(@Sendable (InboundHTTPRequest) -> InboundHTTPResponse)
    }

    static let maximumHeadBytes = 16 * 1024
    static let requestDeadline: Duration = .seconds(10)
    static let idleTimeout: Duration = .seconds(5)
    static let maximumConnections = 256

    private struct Connections {
        var open: Set<Int32> = []
        var stopped = false
    }

    private init(port: UInt16, listener: Int32, handler: Handler) {
        self.port = port
        self.listener = listener
        self.handler = handler
    }

    /// Binds `host:port` (an IPv4 or IPv6 literal, or `localhost`) and serves on a thread of its own.
    public static func start(host: String, port: UInt16, handler: Handler) throws -> InboundHTTPServer {
        let (listener, bound) = try ListeningSocket.bind(host: host, port: port)
        let server = InboundHTTPServer(port: bound, listener: listener, handler: handler)
        let thread = Thread { server.acceptLoop() }
        thread.name = "channelwatch.inbound-accept"
        thread.start()
        return server
    }

    /// Stops accepting and closes every connection; requests being handled are cut off.
    public func stop() {
        let open = connections.withLock { state -> Set<Int32> in
            state.stopped = true
            return state.open
        }
        shutdown(listener, Int32(SHUT_RDWR))
        for descriptor in open { shutdown(descriptor, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop() {
        while true {
            let descriptor = accept(listener, nil, nil)
            if descriptor < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                if errno == EMFILE || errno == ENFILE { usleep(100_000); continue }
                break
            }
            var noDelay: Int32 = 1
            setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            let admitted = connections.withLock { state -> Bool? in
                guard !state.stopped else { return nil }
                guard state.open.count < Self.maximumConnections else { return false }
                state.open.insert(descriptor)
                return true
            }
            switch admitted {
            case nil:
                close(descriptor)
                close(listener)
                return
            case false?:
                var connection = InboundConnection(descriptor: descriptor)
                connection.send(.error(503, "too many connections; retry"), close: true)
                close(descriptor)
            case true?:
                let thread = Thread { [self] in
                    serve(descriptor)
                    connections.withLock { _ = $0.open.remove(descriptor) }
                    close(descriptor)
                }
                thread.name = "channelwatch.inbound-connection"
                thread.start()
            }
        }
        close(listener)
    }

    private func serve(_ descriptor: Int32) {
        var connection = InboundConnection(descriptor: descriptor)
        while true {
            switch connection.readRequest(idleTimeout: Self.idleTimeout, deadline: Self.requestDeadline,
                                          maximumHead: Self.maximumHeadBytes, maximumBody: InboundRequest.maximumBodyBytes) {
            case .closed:
                return
            case .refused(let response):
                connection.send(response, close: true)
                return
            case .request(let request, let keepAlive):
                let response = answer(request)
                let close = !keepAlive || response.status != 200
                connection.send(response, close: close)
                if close { return }
            }
        }
    }

    /// Runs the handler; an async one is waited for on this (dedicated, non-pool) thread.
    private func answer(_ request: InboundHTTPRequest) -> InboundHTTPResponse {
        let handler: @Sendable (InboundHTTPRequest) async -> InboundHTTPResponse
        switch self.handler {
        case .blocking(let blocking): return blocking(request)
        case .async(let async): handler = async
        }
        let answered = DispatchSemaphore(value: 0)
        let response = LockedBox<InboundHTTPResponse?>(nil)
        Task {
            response.value = await handler(request)
            answered.signal()
        }
        answered.wait()
        return response.value ?? .error(500, "no response")
    }
}

/// Binding the listening socket.
enum ListeningSocket {
    static func bind(host: String, port: UInt16) throws -> (descriptor: Int32, port: UInt16) {
        let isIPv6 = host.contains(":")
        let family = isIPv6 ? AF_INET6 : AF_INET
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw InboundServerError("socket() failed: \(String(cString: strerror(errno)))") }
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var storage = sockaddr_storage()
        var length: socklen_t
        let parsed: Bool
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            parsed = inet_pton(AF_INET6, host, &address.sin6_addr) == 1
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeBytes(of: address) { bytes in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: bytes) } }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            parsed = inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &address.sin_addr) == 1
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeBytes(of: address) { bytes in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: bytes) } }
        }
        guard parsed else {
            close(descriptor)
            throw InboundServerError("'\(host)' is not an IP address")
        }
        let bound = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                Glibc.bind(descriptor, address, length) == 0 && listen(descriptor, 512) == 0
                    && getsockname(descriptor, address, &length) == 0
            }
        }
        guard bound else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw InboundServerError("cannot listen on \(host):\(port): \(reason)")
        }
        let boundPort = withUnsafeBytes(of: storage) { bytes -> UInt16 in
            isIPv6 ? UInt16(bigEndian: bytes.load(as: sockaddr_in6.self).sin6_port)
                : UInt16(bigEndian: bytes.load(as: sockaddr_in.self).sin_port)
        }
        return (descriptor, boundPort)
    }
}

/// The inbound listener could not start.
public struct InboundServerError: Error, Sendable, CustomStringConvertible {
    public var message: String
    init(_ message: String) { self.message = message }
    public var description: String { "webhook_listen: \(message)" }
}
