import FlyingSocks
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An event queue that switches Nagle's algorithm off (`TCP_NODELAY`) on every socket it is
/// given, then defers to the real queue.
///
/// FlyingFox writes a response's headers and body in separate writes and never sets
/// `TCP_NODELAY`; with Nagle on, the body waits for the client's delayed ACK of the headers,
/// which costs ~40 ms per response on Linux loopback (a 10,000-page poll took minutes).
/// Registering with the event queue is the one place FlyingFox hands over every accepted
/// socket's descriptor.
struct NoDelayEventQueue<Inner: EventQueue>: EventQueue {
    var inner: Inner

    mutating func open() throws { try inner.open() }
    mutating func stop() throws { try inner.stop() }
    mutating func close() throws { try inner.close() }

    mutating func addEvents(_ events: Socket.Events, for socket: Socket.FileDescriptor) throws {
        var enabled: Int32 = 1
        // Fails harmlessly (ENOTSUP/EOPNOTSUPP) on the listening socket of another family; ignored.
        _ = setsockopt(socket.rawValue, Int32(IPPROTO_TCP), TCP_NODELAY, &enabled, socklen_t(MemoryLayout<Int32>.size))
        try inner.addEvents(events, for: socket)
    }

    mutating func removeEvents(_ events: Socket.Events, for socket: Socket.FileDescriptor) throws {
        try inner.removeEvents(events, for: socket)
    }

    func getNotifications() throws -> [EventNotification] { try inner.getNotifications() }
}
