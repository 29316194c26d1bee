import Primitives

/// One wake-up signal per partner: the inbound listener signals a partner's poll loop when it
/// has stored an event for it, so the loop re-reads at once instead of at its next inbox check.
/// (Events stored by another replica's listener are found by that check, every second.)
public final class InboundWakeups: Sendable {
    private let signals = LockedBox<[String: WakeSignal]>([:])

    public init() {}

    /// The partner's signal, made on first use.
    public func signal(for partnerID: String) -> WakeSignal {
        signals.withLock { signals in
            if let signal = signals[partnerID] { return signal }
            let signal = WakeSignal()
            signals[partnerID] = signal
            return signal
        }
    }

    /// Wakes the partner's loop (or its next wait).
    public func wake(_ partnerID: String) {
        signal(for: partnerID).signal()
    }
}
