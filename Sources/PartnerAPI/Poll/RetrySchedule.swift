import Primitives

/// When to retry a failed page request: exponential backoff with full jitter, `Retry-After`
/// honoured, bounded by an attempt limit and by what is left of the poll's deadline.
///
/// A pure value: the poller asks ``decide(attempt:retryable:retryAfter:remaining:using:)`` after
/// each failed attempt and sleeps or gives up as told, so the schedule is tested without I/O.
public struct RetrySchedule: Sendable, Hashable {
    /// Attempts per page, the first one included.
    public var maxAttempts: Int
    /// The wait before each retry: doubling from `baseDelay` up to `maxDelay`, full jitter.
    public var backoff: Backoff

    /// A schedule; `maxAttempts` counts the first attempt too (at least 1).
    public init(maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(250), maxDelay: Duration = .seconds(20)) {
        self.maxAttempts = max(1, maxAttempts)
        self.backoff = Backoff(initial: baseDelay, maximum: maxDelay, jitter: .full)
    }

    /// The backoff ceiling before retry number `retry` (1-based): `baseDelay × 2^(retry-1)`, capped.
    public func ceiling(beforeRetry retry: Int) -> Duration {
        backoff.ceiling(afterFailures: max(retry, 1))
    }

    /// The wait before retry number `retry`: a uniformly random point in `0...ceiling`
    /// ("full jitter", so that many pollers failing together do not retry together), or the
    /// server's `Retry-After` when it gave one.
    public func delay(beforeRetry retry: Int, retryAfter: Duration?, using random: inout some RandomNumberGenerator) -> Duration {
        if let retryAfter { return max(retryAfter, .zero) }
        return backoff.delay(afterFailures: max(retry, 1), using: &random)
    }

    /// What to do after attempt number `attempt` (1-based) failed.
    ///
    /// - Parameters:
    ///   - retryable: whether the failure is worth retrying (network, timeout, 429, 5xx).
    ///   - retryAfter: the server's `Retry-After`, if it sent one.
    ///   - remaining: time left before the poll's deadline.
    public func decide(
        attempt: Int, retryable: Bool, retryAfter: Duration?, remaining: Duration,
        using random: inout some RandomNumberGenerator
    ) -> RetryDecision {
        guard retryable else { return .giveUp(.notRetryable) }
        guard attempt < maxAttempts else { return .giveUp(.attemptsExhausted) }
        let wait = delay(beforeRetry: attempt, retryAfter: retryAfter, using: &random)
        guard wait < remaining else { return .giveUp(.deadline(wouldWait: wait)) }
        return .retry(after: wait)
    }
}

/// The answer of ``RetrySchedule/decide(attempt:retryable:retryAfter:remaining:using:)``.
public enum RetryDecision: Sendable, Hashable {
    /// Sleep this long, then try again.
    case retry(after: Duration)
    /// Stop and report the last failure.
    case giveUp(GiveUpReason)

    /// Why the schedule stopped retrying.
    public enum GiveUpReason: Sendable, Hashable {
        /// The failure is final (400/401/403/404, malformed page, TLS).
        case notRetryable
        /// Every attempt was used.
        case attemptsExhausted
        /// The next wait would end after the poll's deadline.
        case deadline(wouldWait: Duration)
    }
}
