import Primitives
import CLibPQ
import Foundation

/// Lets any thread ask the server to cancel the statement a connection is running.
///
/// libpq's PQcancel is the one call documented as safe from another thread, but it needs a
/// PGcancel object made from the live connection; the session refreshes that object after every
/// (re)connect and a cancellation handler on an arbitrary thread uses it.
final class StatementCanceller: Sendable {
    // @unchecked Sendable: the PGcancel object is only used under the box's lock, and PQcancel
    // is documented as safe to call from any thread.
    private struct State: @unchecked Sendable {
        var cancelObject: OpaquePointer?
        var statementRunning = false
        var cancelRequested = false
    }
    private let state = LockedBox(State())

    deinit { state.withLock { if let cancelObject = $0.cancelObject { PQfreeCancel(cancelObject) } } }

    /// Called on the connection's queue after connecting or resetting; nil after closing.
    func update(from connection: OpaquePointer?) {
        let fresh = connection.flatMap { PQgetCancel($0) }
        state.withLock { state in
            if let old = state.cancelObject { PQfreeCancel(old) }
            state.cancelObject = fresh
        }
    }

    /// Forgets a cancellation aimed at an earlier statement; called before each new one is queued.
    func reset() {
        state.withLock { $0.cancelRequested = false }
    }

    /// Marks the statement as running on the server; throws when its task was cancelled while
    /// it waited for the queue, so it is never sent.
    func statementStarting() throws {
        try state.withLock { (state: inout State) throws(CancellationError) in
            if state.cancelRequested { throw CancellationError() }
            state.statementRunning = true
        }
    }

    func statementFinished() {
        state.withLock { $0.statementRunning = false }
    }

    /// Cancels the statement if it is running (PQcancel), or stops it from starting.
    ///
    /// Only sent while a statement runs, which keeps PostgreSQL's cancel race — a late cancel
    /// request hitting the connection's next statement — down to the instant a statement ends.
    func cancel() {
        state.withLock {
            $0.cancelRequested = true
            guard $0.statementRunning, let cancelObject = $0.cancelObject else { return }
            var reason = [CChar](repeating: 0, count: 256)
            _ = PQcancel(cancelObject, &reason, Int32(reason.count))
        }
    }
}
