import Alerting
/// When to try a failed delivery again: exponential backoff with jitter, first retry after
/// about 5 s, doubling up to a 10-minute cap. Pure; the random source is injected.
public struct DeliveryRetrySchedule: Sendable {
    public var first: Duration = .seconds(5)
    public var cap: Duration = .seconds(600)
    /// Spread of the jitter: the delay is scaled by a factor in `1 - jitter ... 1 + jitter`.
    public var jitter: Double = 0.2

    public init() {}

    /// The delay before attempt `attempts + 1`, after `attempts` failed ones (1-based),
    /// never shorter than a receiver's Retry-After.
    public func delay(afterAttempts attempts: Int, retryAfter: Duration? = nil,
                      random: () -> Double = { Double.random(in: 0..<1) }) -> Duration {
        let exponent = min(max(attempts - 1, 0), 20)
        let base = min(first * (1 << exponent), cap)
        let factor = 1 - jitter + 2 * jitter * random()
        let jittered = min(base * factor, cap)
        if let retryAfter, retryAfter > jittered { return min(retryAfter, .seconds(3600)) }
        return jittered
    }
}
