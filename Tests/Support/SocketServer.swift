import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP server on 127.0.0.1 with one thread per connection, for test sinks.
///
/// `@unchecked Sendable`: the mutable state (open descriptors, counters, the stopped flag)
/// lives behind `condition`, an `NSCondition` that every access locks.
public final class SocketServer: @unchecked Sendable {
    /// The ephemeral port the server listens on.
    public let port: Int
    private let listener: ListeningSocket
    private let condition = NSCondition()
    private var openConnections: Set<Int32> = []
    private var accepted = 0
    private var stopped = false
    private var runningThreads = 0

    /// Starts listening and accepting; `handler` runs on a new thread for every connection,
    /// and the connection is closed when it returns.
    public init(handler: @escaping @Sendable (SinkConnection) -> Void) throws {
        listener = try ListeningSocket(port: 0)
        port = listener.port
        startThread { [self] in acceptLoop(handler) }
    }

    deinit {
        stop()
    }

    /// How many connections have been accepted so far.
    public var acceptedConnections: Int {
        condition.lock()
        defer { condition.unlock() }
        return accepted
    }

    /// True once `stop()` was called.
    public var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped
    }

    /// Stops accepting, shuts down every open connection (waking blocked reads) and waits
    /// up to 5 s for the threads to finish. Safe to call more than once.
    public func stop() {
        condition.lock()
        let alreadyStopped = stopped
        stopped = true
        let descriptors = openConnections
        condition.broadcast()
        condition.unlock()
        guard !alreadyStopped else { return }
        // shutdown (not close) wakes threads blocked in accept/recv without freeing the
        // descriptor number under them; each thread closes its own descriptor.
        shutdown(listener.descriptor, Int32(SHUT_RDWR))
        for descriptor in descriptors {
            shutdown(descriptor, Int32(SHUT_RDWR))
        }
        condition.lock()
        let deadline = Date().addingTimeInterval(5)
        while runningThreads > 0, condition.wait(until: deadline) {}
        condition.unlock()
        listener.close()
    }

    /// Waits until `duration` elapsed or the server stopped; returns false if it stopped.
    func pause(for duration: Duration) -> Bool {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        let deadline = Date().addingTimeInterval(seconds)
        condition.lock()
        defer { condition.unlock() }
        while !stopped, condition.wait(until: deadline) {}
        return !stopped
    }

    private func acceptLoop(_ handler: @escaping @Sendable (SinkConnection) -> Void) {
        while true {
            let descriptor = accept(listener.descriptor, nil, nil)
            if descriptor < 0 {
                if errno == EINTR, !isStopped { continue }
                return
            }
            condition.lock()
            guard !stopped else {
                condition.unlock()
                close(descriptor)
                return
            }
            accepted += 1
            let number = accepted
            openConnections.insert(descriptor)
            condition.unlock()
            startThread { [self] in
                handler(SinkConnection(descriptor: descriptor, number: number, server: self))
                condition.lock()
                openConnections.remove(descriptor)
                condition.unlock()
                close(descriptor)
            }
        }
    }

    private func startThread(_ body: @escaping @Sendable () -> Void) {
        condition.lock()
        runningThreads += 1
        condition.unlock()
        let thread = Thread { [self] in
            body()
            condition.lock()
            runningThreads -= 1
            condition.broadcast()
            condition.unlock()
        }
        thread.start()
    }
}
