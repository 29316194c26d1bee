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

/// How long to wait after the database failed: 1 s, doubling per consecutive failure, at most
/// 30 s. Pure, so the sequence is tested as a table.
public struct DatabaseBackoff: Sendable, Equatable {
    /// The first delay.
    public var initial: Duration
    /// The longest delay.
    public var maximum: Duration

    /// A backoff; the defaults are the worker's (1 s doubling to 30 s).
    public init(initial: Duration = .seconds(1), maximum: Duration = .seconds(30)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay after `failures` consecutive failures (1 for the first); zero for none.
    public func delay(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        var delay = initial
        for _ in 1..<min(failures, 32) where delay < maximum {
            delay = delay * 2
        }
        return min(delay, maximum)
    }
}
