import Primitives

/// When to try a failed delivery again: exponential backoff with ±20 % jitter, first retry after
/// about 5 s, doubling up to a 10-minute cap, never sooner than a receiver's `Retry-After` (itself
/// capped at an hour). Pure; the random source is injected.
public struct DeliveryRetrySchedule: Sendable {
    /// The waits between attempts.
    public var backoff = Backoff(initial: .seconds(5), maximum: .seconds(600), jitter: .proportional(0.2))
    /// The longest `Retry-After` honoured: a receiver asking for a day is retried after an hour.
    public var longestRetryAfter: Duration = .seconds(3600)

    public init() {}

    /// The delay before attempt `attempts + 1`, after `attempts` failed ones (1-based),
    /// never shorter than a receiver's Retry-After.
    public func delay(afterAttempts attempts: Int, retryAfter: Duration? = nil,
                      random: () -> Double = { Double.random(in: 0..<1) }) -> Duration {
        let jittered = backoff.delay(afterFailures: max(attempts, 1), unit: random())
        if let retryAfter, retryAfter > jittered { return min(retryAfter, longestRetryAfter) }
        return jittered
    }
}
