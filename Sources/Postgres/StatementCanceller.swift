import CLibPQ
import Foundation

/// Lets any thread ask the server to cancel the statement a connection is running.
///
/// libpq's PQcancel is the one call documented as safe from another thread, but it needs a
/// PGcancel object made from the live connection; the session refreshes that object after every
/// (re)connect and a cancellation handler on an arbitrary thread uses it.
final class StatementCanceller: @unchecked Sendable {
    // @unchecked Sendable: every property is only read or written while holding `lock`.
    private let lock = NSLock()
    private var cancelObject: OpaquePointer?
    private var statementRunning = false
    private var cancelRequested = false

    deinit { if let cancelObject { PQfreeCancel(cancelObject) } }

    /// Called on the connection's queue after connecting or resetting; nil after closing.
    func update(from connection: OpaquePointer?) {
        let fresh = connection.flatMap { PQgetCancel($0) }
        let old = lock.withLock {
            defer { cancelObject = fresh }
            return cancelObject
        }
        if let old { PQfreeCancel(old) }
    }

    /// Forgets a cancellation aimed at an earlier statement; called before each new one is queued.
    func reset() {
        lock.withLock { cancelRequested = false }
    }

    /// Marks the statement as running on the server; throws when its task was cancelled while
    /// it waited for the queue, so it is never sent.
    func statementStarting() throws {
        try lock.withLock {
            if cancelRequested { throw CancellationError() }
            statementRunning = true
        }
    }

    func statementFinished() {
        lock.withLock { statementRunning = false }
    }

    /// Cancels the statement if it is running (PQcancel), or stops it from starting.
    ///
    /// Only sent while a statement runs, which keeps PostgreSQL's cancel race — a late cancel
    /// request hitting the connection's next statement — down to the instant a statement ends.
    func cancel() {
        lock.withLock {
            cancelRequested = true
            guard statementRunning, let cancelObject else { return }
            var reason = [CChar](repeating: 0, count: 256)
            _ = PQcancel(cancelObject, &reason, Int32(reason.count))
        }
    }
}
