import Testing
@testable import PartnerAPI

@Suite("Retry schedule")
struct RetryScheduleTests {
    let schedule = RetrySchedule(maxAttempts: 4, baseDelay: .milliseconds(500), maxDelay: .seconds(3))

    @Test("the backoff ceiling doubles per retry and is capped", arguments: [
        (1, Duration.milliseconds(500)), (2, .seconds(1)), (3, .seconds(2)), (4, .seconds(3)), (40, .seconds(3)),
    ])
    func ceilingDoubles(retry: Int, expected: Duration) {
        #expect(schedule.ceiling(beforeRetry: retry) == expected)
    }

    @Test("full jitter spans zero to the ceiling")
    func fullJitter() {
        var low = FixedRandom(value: 0)
        var high = FixedRandom(value: .max)
        #expect(schedule.delay(beforeRetry: 3, retryAfter: nil, using: &low) == .zero)
        let top = schedule.delay(beforeRetry: 3, retryAfter: nil, using: &high)
        #expect(top > .milliseconds(1990) && top <= .seconds(2))
    }

    @Test("Retry-After replaces the jittered backoff")
    func retryAfterWins() {
        var random = FixedRandom(value: 0)
        #expect(schedule.decide(attempt: 1, retryable: true, retryAfter: .seconds(7), remaining: .seconds(60), using: &random)
                == .retry(after: .seconds(7)))
    }

    @Test("non-retryable failures give up at once")
    func notRetryable() {
        var random = FixedRandom(value: 0)
        #expect(schedule.decide(attempt: 1, retryable: false, retryAfter: nil, remaining: .seconds(60), using: &random)
                == .giveUp(.notRetryable))
    }

    @Test("the attempt limit stops retries")
    func attemptLimit() {
        var random = FixedRandom(value: 0)
        #expect(schedule.decide(attempt: 3, retryable: true, retryAfter: nil, remaining: .seconds(60), using: &random) == .retry(after: .zero))
        #expect(schedule.decide(attempt: 4, retryable: true, retryAfter: nil, remaining: .seconds(60), using: &random)
                == .giveUp(.attemptsExhausted))
    }

    @Test("a wait that would end after the deadline gives up instead")
    func deadline() {
        var random = FixedRandom(value: .max)
        let decision = schedule.decide(attempt: 2, retryable: true, retryAfter: nil, remaining: .milliseconds(200), using: &random)
        guard case .giveUp(.deadline(let wait)) = decision else {
            Issue.record("expected a deadline give-up, got \(decision)")
            return
        }
        #expect(wait > .milliseconds(900))
        var zero = FixedRandom(value: 0)
        #expect(schedule.decide(attempt: 1, retryable: true, retryAfter: .seconds(5), remaining: .seconds(2), using: &zero)
                == .giveUp(.deadline(wouldWait: .seconds(5))))
    }
}
