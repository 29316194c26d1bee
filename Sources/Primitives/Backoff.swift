/// Exponential backoff: the wait after the n-th consecutive failure is `initial × 2^(n-1)`,
/// capped at `maximum`, then spread by ``Jitter``. The one schedule behind every retry in
/// ChannelWatch: Partner API page requests (250 ms doubling to 20 s, full jitter), deliveries
/// (5 s doubling to 10 min, ±20 %) and database reconnects (1 s doubling to 30 s, no jitter).
///
/// A pure value: the random share is passed in, so every schedule is tested as a table.
public struct Backoff: Sendable, Hashable {
    /// How the wait is spread so that many clients failing together do not retry together.
    public enum Jitter: Sendable, Hashable {
        /// Exactly the ceiling.
        case none
        /// A uniformly random point in `0 ... ceiling` ("full jitter").
        case full
        /// The ceiling scaled by a factor in `1 - spread ... 1 + spread`, still at most `maximum`.
        case proportional(Double)
    }

    /// The wait after the first failure (before jitter).
    public var initial: Duration
    /// The longest wait.
    public var maximum: Duration
    /// How the wait is spread.
    public var jitter: Jitter

    /// A backoff doubling from `initial` up to `maximum`.
    public init(initial: Duration, maximum: Duration, jitter: Jitter = .none) {
        self.initial = initial
        self.maximum = maximum
        self.jitter = jitter
    }

    /// The worker's wait after database failures: 1 s doubling to 30 s.
    public static let database = Backoff(initial: .seconds(1), maximum: .seconds(30))

    /// The wait before jitter after `failures` consecutive failures (1 for the first); zero for none.
    public func ceiling(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        // 2^30 × any sane initial delay is far above any maximum; the clamp keeps the shift defined.
        let doublings = min(failures - 1, 30)
        return min(initial * (1 << doublings), maximum)
    }

    /// The wait after `failures` consecutive failures, with `unit` (in `0 ..< 1`) as the random share.
    public func delay(afterFailures failures: Int, unit: Double) -> Duration {
        let ceiling = ceiling(afterFailures: failures)
        switch jitter {
        case .none:
            return ceiling
        case .full:
            return ceiling * unit
        case .proportional(let spread):
            return min(ceiling * (1 - spread + 2 * spread * unit), maximum)
        }
    }

    /// The wait after `failures` consecutive failures, drawing the random share from `random`.
    public func delay(afterFailures failures: Int, using random: inout some RandomNumberGenerator) -> Duration {
        delay(afterFailures: failures, unit: Self.unit(using: &random))
    }

    /// The wait after `failures` consecutive failures, with the system's random share (with ``Jitter/none``
    /// the sequence is exact).
    public func delay(afterFailures failures: Int) -> Duration {
        var random = SystemRandomNumberGenerator()
        return delay(afterFailures: failures, using: &random)
    }

    /// 53 random bits as a fraction in `0 ..< 1`: one draw, no rejection sampling, so a fixed
    /// test generator cannot make it loop (`Double.random(in:using:)` may draw repeatedly).
    public static func unit(using random: inout some RandomNumberGenerator) -> Double {
        Double(random.next() >> 11) / Double(UInt64(1) << 53)
    }
}
