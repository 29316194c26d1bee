import Foundation
import Testing
@testable import PartnerAPI

/// The poll target (within 1.25 × the network bound), run on demand (it needs a release build to be meaningful):
/// `PARTNERAPI_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter PollBenchmarkTests`
@Suite("Poll benchmark", .serialized, .enabled(if: ProcessInfo.processInfo.environment["PARTNERAPI_BENCH"] != nil))
struct PollBenchmarkTests {
    @Test("100,000 channels, page size 100, 50 ms per page, concurrency 8: ratio to the network bound (printed)")
    func hundredThousandChannels() async throws {
        let setupStarted = ContinuousClock.now
        let fixture = try await SimulatorFixture.start(channelCount: 100_000, latency: .milliseconds(50))
        defer { Task { await fixture.stop() } }
        let setup = ContinuousClock.now - setupStarted
        let result = await PartnerPoller(settings: fixture.settings(pageSize: 100, concurrency: 8)).poll()
        let bound = Duration.milliseconds(50) * (1000 / 8)
        let stats = try await fixture.stats()
        print("poll of 100,000 channels: \(result.duration) (network bound \(bound), ratio \(result.duration / bound)); "
              + "simulator setup \(setup); requests \(result.requests); max in flight \(stats.maxInFlight)")
        #expect(result.isComplete)
        #expect(result.channels.count == 100_000)
        #expect(stats.maxInFlight == 8)
        // The ratio is printed, not asserted: figures belong to the benchmark, not to pass/fail.
    }

    @Test("100,000 channels without added latency: the CPU cost of paging (printed, for comparison)")
    func hundredThousandChannelsNoLatency() async throws {
        let fixture = try await SimulatorFixture.start(channelCount: 100_000)
        defer { Task { await fixture.stop() } }
        let result = await PartnerPoller(settings: fixture.settings(pageSize: 100, concurrency: 8)).poll()
        print("poll of 100,000 channels without latency: \(result.duration)")
        #expect(result.isComplete)
    }
}
