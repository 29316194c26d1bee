import Primitives
import Foundation

/// Wakes one sleeping loop early: ``signal()`` ends the current ``wait(timeout:)``, or the next
/// one if nobody is waiting, so a wake-up sent while the loop was busy is not lost.
public final class WakeSignal: Sendable {
    private let waiters = TimedWaiters()
    private let pending = LockedBox(false)

    /// A signal with nothing pending.
    public init() {}

    /// Wakes the waiters, or remembers the wake-up for the next wait.
    public func signal() {
        // The pending flag is set under the waiters' lock, so a wait starting concurrently either
        // sees the flag or is woken.
        let pending = self.pending
        waiters.wakeAll(orElse: { pending.value = true })
    }

    /// Waits until signalled (true) or until `timeout` has passed or the task is cancelled (false).
    @discardableResult
    public func wait(timeout: Duration) async -> Bool {
        let pending = self.pending
        return await waiters.wait(timeout: timeout, unless: {
            pending.withLock { value in
                defer { value = false }
                return value
            }
        })
    }
}

/// A one-way switch for graceful shutdown: once ``stop()`` is called, ``isStopped`` is true
/// and every ``sleep(for:)`` — current and future — returns at once.
public final class StopSignal: Sendable {
    private let state = LockedBox(false)
    private let waiters = TimedWaiters()

    /// A signal that has not been stopped.
    public init() {}

    /// Whether ``stop()`` was called.
    public var isStopped: Bool { state.value }

    /// Stops: wakes every sleeper; idempotent.
    public func stop() {
        let state = self.state
        waiters.wakeAll(orElse: {}, before: { state.value = true })
    }

    /// Sleeps for `duration` unless stopped first (or the task is cancelled); returns whether the signal is stopped.
    @discardableResult
    public func sleep(for duration: Duration) async -> Bool {
        _ = await waiters.wait(timeout: duration, unless: { self.isStopped })
        return isStopped
    }
}

/// Tasks waiting for a wake-up, each with a timer that ends its wait after a timeout; the
/// shared machinery of ``WakeSignal`` and ``StopSignal``.
final class TimedWaiters: Sendable {
    private struct State {
        var waiters: [UInt64: (continuation: CheckedContinuation<Bool, Never>, timer: Task<Void, Never>)] = [:]
        var nextID: UInt64 = 0
    }
    private let state = LockedBox(State())

    /// Runs `before` and then wakes every waiter (true), all under the lock; runs `orElse`
    /// (also under the lock) when nobody was waiting.
    func wakeAll(orElse nobodyWaiting: () -> Void, before: () -> Void = {}) {
        let woken = state.withLock { state in
            before()
            if state.waiters.isEmpty { nobodyWaiting() }
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in woken {
            waiter.timer.cancel()
            waiter.continuation.resume(returning: true)
        }
    }

    /// Waits for ``wakeAll(orElse:before:)`` (true), `timeout` or cancellation (false).
    /// `alreadyDone` runs under the lock first; when it returns true the wait ends at once (true).
    func wait(timeout: Duration, unless alreadyDone: @escaping @Sendable () -> Bool) async -> Bool {
        let id: UInt64 = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let immediate: Bool? = state.withLock { state in
                    if alreadyDone() { return true }
                    // Checked under the lock: a cancel handler that ran before this found nothing to end.
                    if Task.isCancelled { return false }
                    let timer = Task { [weak self] in
                        try? await Task.sleep(for: timeout)
                        self?.end(id)
                    }
                    state.waiters[id] = (continuation, timer)
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            end(id)
        }
    }

    /// Ends one wait with false (timeout or cancellation), if it is still waiting.
    private func end(_ id: UInt64) {
        guard let waiter = state.withLock({ $0.waiters.removeValue(forKey: id) }) else { return }
        waiter.timer.cancel()
        waiter.continuation.resume(returning: false)
    }
}
