import Synchronization

/// A value shared between threads and tasks, reachable only under its lock (the standard
/// library's `Mutex`). The one lock box in ChannelWatch: a class, so tasks and C callbacks can
/// share it by reference, which a `Mutex` on its own (non-copyable) cannot do.
public final class LockedBox<Value>: Sendable {
    private let mutex: Mutex<Value>

    /// A box holding `value`.
    public init(_ value: sending Value) {
        mutex = Mutex(value)
    }

    /// Runs `body` with the value under the lock; what it returns leaves the lock.
    @discardableResult
    public func withLock<Result, Failure: Error>(
        _ body: (inout sending Value) throws(Failure) -> sending Result
    ) throws(Failure) -> sending Result {
        try mutex.withLock(body)
    }
}

extension LockedBox where Value: Sendable {
    /// The value, read or replaced under the lock.
    public var value: Value {
        get { mutex.withLock { $0 } }
        set { mutex.withLock { $0 = newValue } }
    }
}
