import Primitives
import CCurl

/// A transfer in flight on a `TransferLoop`: its easy handle, and how to finish it.
///
/// Implementations are created, driven and finished on the loop's thread only, so they
/// need not be `Sendable`; the continuation they resume is.
protocol LoopTransfer: AnyObject {
    /// The configured handle the loop adds to its multi handle.
    var easy: CurlEasyHandle { get }
    /// Called once, on the loop thread, after libcurl finished the transfer with `code`.
    /// Must resume the caller's continuation.
    func complete(with code: CURLcode)
    /// Called instead of `complete` when the transfer is abandoned (cancelled, or the
    /// loop is shutting down). Must resume the caller's continuation by throwing `error`.
    func abandon(throwing error: any Error)
}


/// A request for the loop thread to start one transfer.
struct TransferJob: Sendable {
    /// Set from any thread when the awaiting task is cancelled.
    let cancellation: CancellationFlag
    /// Builds the transfer on the loop thread; a thrown error is reported through `fail`.
    let start: @Sendable () throws -> any LoopTransfer
    /// Resumes the caller when the transfer never started (cancelled first, or `start` threw).
    let fail: @Sendable (any Error) -> Void
}

/// A one-way flag: set once by a cancellation handler, read by the loop thread.
final class CancellationFlag: Sendable {
    private let state = LockedBox(false)

    var isSet: Bool { state.withLock { $0 } }

    func set() {
        state.withLock { $0 = true }
    }
}
