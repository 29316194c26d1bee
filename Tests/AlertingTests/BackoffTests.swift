import Primitives
import Testing

/// The one backoff behind page retries, delivery retries and database reconnects.
@Suite struct BackoffTests {
    @Test(arguments: [(0, 0.0), (1, 1.0), (2, 2.0), (3, 4.0), (5, 16.0), (6, 30.0), (64, 30.0), (Int.max, 30.0)])
    func doublesUpToTheMaximum(failures: Int, seconds: Double) {
        let backoff = Backoff(initial: .seconds(1), maximum: .seconds(30))
        #expect(backoff.ceiling(afterFailures: failures) == .seconds(seconds))
        #expect(backoff.delay(afterFailures: failures) == .seconds(seconds), "no jitter: exact")
    }

    @Test func fullJitterIsAShareOfTheCeiling() {
        let backoff = Backoff(initial: .seconds(2), maximum: .seconds(8), jitter: .full)
        #expect(backoff.delay(afterFailures: 2, unit: 0) == .zero)
        #expect(backoff.delay(afterFailures: 2, unit: 0.5) == .seconds(2))
        #expect(backoff.delay(afterFailures: 9, unit: 0.25) == .seconds(2))
    }

    @Test func proportionalJitterSpreadsAroundTheCeilingButNotAboveTheMaximum() {
        let backoff = Backoff(initial: .seconds(10), maximum: .seconds(40), jitter: .proportional(0.2))
        #expect(backoff.delay(afterFailures: 1, unit: 0) == .seconds(8))
        #expect(backoff.delay(afterFailures: 1, unit: 0.5) == .seconds(10))
        #expect(backoff.delay(afterFailures: 3, unit: 0.999) <= .seconds(40))
    }

    @Test func theRandomUnitIsInTheHalfOpenInterval() {
        struct Extreme: RandomNumberGenerator {
            var value: UInt64
            mutating func next() -> UInt64 { value }
        }
        var low = Extreme(value: 0), high = Extreme(value: .max)
        #expect(Backoff.unit(using: &low) == 0)
        #expect(Backoff.unit(using: &high) < 1)
    }
}
