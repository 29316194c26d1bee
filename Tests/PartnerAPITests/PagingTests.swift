import Foundation
import Testing
@testable import PartnerAPI

@Suite("Paging through the simulator")
struct PagingTests {
    @Test("10,000 channels arrive complete and unique", arguments: [1, 100, 1000])
    func pagesTenThousandChannels(pageSize: Int) async throws {
        let fixture = try await SimulatorFixture.start(channelCount: 10_000)
        defer { Task { await fixture.stop() } }
        let result = await PartnerPoller(settings: fixture.settings(pageSize: pageSize, concurrency: 8)).poll()
        #expect(result.isComplete, "\(String(describing: result.failure))")
        #expect(result.channels.count == 10_000)
        #expect(Set(result.channels.map(\.id)).count == 10_000)
        #expect(result.total == 10_000)
        #expect(result.pages == (10_000 + pageSize - 1) / pageSize)
        #expect(result.retries == 0)
        #expect(result.channels.first?.id == "\(fixture.partnerID)-ch-000001")
        #expect(result.channels.last?.id == "\(fixture.partnerID)-ch-010000")
    }
}
