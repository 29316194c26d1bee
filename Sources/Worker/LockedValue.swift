import Foundation

/// A value shared between tasks, read and written under a lock.
final class LockedValue<Value: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: `stored` is only read or written while holding `lock`.
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }

    /// Changes the value in place under the lock and returns what `body` returns.
    @discardableResult
    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        try lock.withLock { try body(&stored) }
    }
}
