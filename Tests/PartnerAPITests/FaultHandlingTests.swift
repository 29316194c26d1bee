import Foundation
import Testing
@testable import PartnerAPI

/// Retries and failures against injected faults: real HTTP through libcurl to the simulator.
@Suite("Faults and retries")
struct FaultHandlingTests {
    /// Short backoff so retry tests take milliseconds, not seconds.
    static let fastRetries = RetrySchedule(maxAttempts: 4, baseDelay: .milliseconds(10), maxDelay: .milliseconds(50))

    static func poll(_ fixture: SimulatorFixture, pageSize: Int = 100, concurrency: Int = 4,
                     requestTimeout: Duration = .seconds(10), timeout: Duration = .seconds(60)) async -> PollResult {
        await PartnerPoller(settings: fixture.settings(pageSize: pageSize, concurrency: concurrency, requestTimeout: requestTimeout),
                            retrySchedule: fastRetries).poll(timeout: timeout)
    }

    @Test("429 with Retry-After: 1 waits at least a second, then completes")
    func rateLimitHonoursRetryAfter() async throws {
        let fixture = try await SimulatorFixture.start(channelCount: 250, faults: [
            FaultRule(match: .page(2), failure: .rateLimit(retryAfterSeconds: 1), times: 1),
        ])
        defer { Task { await fixture.stop() } }
        let result = await Self.poll(fixture)
        #expect(result.isComplete)
        #expect(result.channels.count == 250)
        #expect(result.retries == 1)
        #expect(result.duration >= .seconds(1))
        #expect(try await fixture.stats().faultsInjected == 1)
    }

    @Test("500 twice then 200 completes")
    func transientServerErrorsAreRetried() async throws {
        let fixture = try await SimulatorFixture.start(channelCount: 300, faults: [
            FaultRule(match: .page(3), failure: .status(500), times: 2),
        ])
        defer { Task { await fixture.stop() } }
        let result = await Self.poll(fixture)
        #expect(result.isComplete)
        #expect(result.channels.count == 300)
        #expect(result.retries == 2)
        #expect(result.requests == 3 + 2)
    }

    @Test("a persistent 500 gives an incomplete poll naming the page, with trace id and attempts")
    func persistentServerErrorIsIncomplete() async throws {
        let fixture = try await SimulatorFixture.start(channelCount: 500, faults: [
            FaultRule(match: .page(3), failure: .status(500)),
        ])
        defer { Task { await fixture.stop() } }
        let result = await Self.poll(fixture, concurrency: 1)
        let failure = try #require(result.failure)
        #expect(failure.kind == .http(status: 500))
        #expect(failure.page == 3 && failure.offset == 200)
        #expect(failure.attempts == 4)
        #expect(failure.developerMessage == "Internal Server Error (simulated)")
        let trace = try #require(failure.traceID)
        #expect(trace.count == 32)
        #expect(failure.description.hasPrefix("partner \(fixture.partnerID): GET /channels page 3 (offset 200): HTTP 500"))
        #expect(failure.description.contains("(trace \(trace))"))
        #expect(failure.description.contains("giving up after 4 attempts"))
        // What was fetched is carried, but the verdict says it must not be trusted for absence.
        #expect(!result.isComplete)
        #expect(result.channels.count >= 200)
    }

    @Test("401 is an auth error and is not retried")
    func unauthorizedIsNotRetried() async throws {
        let fixture = try await SimulatorFixture.start(channelCount: 10)
        defer { Task { await fixture.stop() } }
        var settings = fixture.settings()
        settings.apiKey = "sk-wrong-key-that-must-not-leak"
        let result = await PartnerPoller(settings: settings, retrySchedule: Self.fastRetries).poll()
        let failure = try #require(result.failure)
        #expect(failure.kind == .auth(status: 401))
        #expect(failure.developerMessage == "Invalid API key")
        #expect(failure.traceID != nil)
        #expect(result.requests == 1 && result.retries == 0)
        #expect(try await fixture.stats().requests == 1)
        #expect(failure.description.contains("check the partner's api_key"))
        #expect(!failure.description.contains(settings.apiKey))
        #expect(!"\(result)".contains(settings.apiKey))
    }

    @Test("404 for an unknown partner is not retried")
    func unknownPartnerIsNotRetried() async throws {
        let fixture = try await SimulatorFixture.start(channelCount: 10)
        defer { Task { await fixture.stop() } }
        var settings = fixture.settings()
        settings.id = "no-such-partner"
        let result = await PartnerPoller(settings: settings, retrySchedule: Self.fastRetries).poll()
        let failure = try #require(result.failure)
        #expect(failure.kind == .http(status: 404))
        #expect(result.requests == 1)
        #expect(failure.developerMessage == "Partner no-such-partner not found")
    }

    @Test("malformed JSON names partner and page")
    func malformedJSONNamesPartnerAndPage() async throws {
        let fixture = try await SimulatorFixture.start(channelCount: 500, faults: [
            FaultRule(match: .page(4), failure: .malformedJSON),
        ])
        defer { Task { await fixture.stop() } }
        let result = await Self.poll(fixture)
        let failure = try #require(result.failure)
        #expect(failure.kind == .malformedJSON)
        #expect(failure.page == 4 && failure.offset == 300)
        #expect(failure.description.hasPrefix("partner \(fixture.partnerID): GET /channels page 4 (offset 300): malformed JSON"))
    }

    @Test("a truncated body and a dropped connection are retried like network errors")
    func truncatedAndDroppedAreRetried() async throws {
        let fixture = try await SimulatorFixture.start(channelCount: 400, faults: [
            FaultRule(match: .page(2), failure: .truncatedBody, times: 1),
            FaultRule(match: .page(3), failure: .dropConnection, times: 1),
        ])
        defer { Task { await fixture.stop() } }
        let result = await Self.poll(fixture)
        #expect(result.isComplete, "\(String(describing: result.failure))")
        #expect(result.channels.count == 400)
        #expect(try await fixture.stats().faultsInjected == 2)
        // libcurl re-sends by itself when a reused connection dies before any reply, so the
        // dropped connection may or may not cost one of our retries; the truncated body always does.
        #expect((1...2).contains(result.retries))
    }

    @Test("a dropped connection every time ends as a network failure on that page")
    func persistentDropIsNetworkFailure() async throws {
        let fixture = try await SimulatorFixture.start(channelCount: 200, faults: [
            FaultRule(match: .page(2), failure: .dropConnection),
        ])
        defer { Task { await fixture.stop() } }
        let result = await Self.poll(fixture)
        let failure = try #require(result.failure)
        #expect(failure.kind == .network)
        #expect(failure.page == 2)
        #expect(failure.attempts == 4)
    }

    @Test("a hanging page times out, is retried, and the poll completes")
    func hangingPageTimesOut() async throws {
        let fixture = try await SimulatorFixture.start(channelCount: 200, faults: [
            FaultRule(match: .page(2), failure: .hang(.seconds(30)), times: 1),
        ])
        defer { Task { await fixture.stop() } }
        let result = await Self.poll(fixture, requestTimeout: .seconds(3))
        #expect(result.isComplete, "\(String(describing: result.failure))")
        #expect(result.retries >= 1, "the hanging page was retried")
        #expect(result.duration >= .seconds(3), "after its request timeout")
    }

    @Test("the poll deadline bounds a page that keeps hanging")
    func deadlineBoundsHangingPage() async throws {
        let fixture = try await SimulatorFixture.start(channelCount: 200, faults: [
            FaultRule(match: .page(2), failure: .hang(.seconds(30))),
        ])
        defer { Task { await fixture.stop() } }
        let result = await Self.poll(fixture, requestTimeout: .seconds(10), timeout: .seconds(1))
        let failure = try #require(result.failure)
        #expect([.timeout, .deadline].contains(failure.kind))
        #expect(failure.page == 2)
        #expect(result.duration < .seconds(9), "the 1 s poll deadline ended it, not the 10 s request timeout")
    }

    @Test("a refused connection is a network failure naming the first page")
    func connectionRefused() async throws {
        let fixture = try await SimulatorFixture.start(channelCount: 1)
        await fixture.stop()
        let result = await Self.poll(fixture)
        let failure = try #require(result.failure)
        #expect(failure.kind == .network)
        #expect(failure.page == 1 && failure.offset == 0)
        #expect(result.requests == 4)
    }
}
