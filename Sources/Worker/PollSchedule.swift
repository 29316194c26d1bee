/// When the next poll of a partner is due: `interval` ± a random share of `jitter`, so replicas
/// and partners drift apart instead of hitting the Partner API in lockstep. Pure: the random
/// number is passed in.
public struct PollSchedule: Sendable, Equatable {
    /// Time between polls.
    public var interval: Duration
    /// Largest amount added to or taken from `interval`.
    public var jitter: Duration
    /// No delay is ever shorter than this, whatever the jitter.
    public var minimumDelay: Duration

    /// A schedule; `jitter` larger than `interval` is allowed, delays are then clamped to `minimumDelay`.
    public init(interval: Duration, jitter: Duration, minimumDelay: Duration = .milliseconds(100)) {
        self.interval = interval
        self.jitter = jitter
        self.minimumDelay = minimumDelay
    }

    /// The delay before the next poll for a random `unit` in 0...1: 0 gives `interval - jitter`,
    /// 0.5 exactly `interval`, 1 gives `interval + jitter`. Values outside 0...1 are clamped.
    public func delay(unit: Double) -> Duration {
        let clamped = min(1, max(0, unit))
        let delay = interval + jitter * (clamped * 2 - 1)
        return max(minimumDelay, delay)
    }

    /// The delay before the next poll, drawing the random share from `generator`.
    public func nextDelay(using generator: inout some RandomNumberGenerator) -> Duration {
        delay(unit: Double.random(in: 0...1, using: &generator))
    }
}
