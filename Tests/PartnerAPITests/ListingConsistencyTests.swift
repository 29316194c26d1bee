import Foundation
import JSON
import Testing
@testable import PartnerAPI

/// Listings that change or misbehave while they are read.
@Suite("Listing consistency")
struct ListingConsistencyTests {
    static func poll(_ fixture: SimulatorFixture, pageSize: Int = 100, concurrency: Int = 1) async -> PollResult {
        await PartnerPoller(settings: fixture.settings(pageSize: pageSize, concurrency: concurrency),
                            retrySchedule: FaultHandlingTests.fastRetries).poll()
    }

    @Test("a channel on two pages is counted once, at its first place")
    func duplicateCountedOnce() throws {
        let first = try ChannelPage.decode(Data(#"{"total": 4, "partner_channels": [{"id": "a"}, {"id": "b"}]}"#.utf8))
        let second = try ChannelPage.decode(Data(#"{"total": 4, "partner_channels": [{"id": "b", "v": 2}, {"id": "c"}]}"#.utf8))
        var assembly = ListingAssembly(firstTotal: 4)
        assembly.add(second, at: 2)
        assembly.add(first, at: 0)
        let unique = assembly.uniqueChannels()
        #expect(unique.channels.map(\.id) == ["a", "b", "c"])
        #expect(unique.channels[1].document["v"] == nil)
        #expect(unique.duplicates == 1)
        // Three unique ids against a total of four: a channel was missed, so not complete.
        #expect(assembly.inconsistency() == "3 unique channels seen but total is 4")
    }

    @Test("a duplicated id served by the API is counted once and the poll is not complete")
    func duplicateFromServer() async throws {
        let documents = ["c1", "c2", "c3", "c2", "c4"].map { JSONValue.object(["id": .string($0)]) }
        let fixture = try await SimulatorFixture.start(documents: documents)
        defer { Task { await fixture.stop() } }
        let result = await Self.poll(fixture, pageSize: 2)
        #expect(result.channels.map(\.id) == ["c1", "c2", "c3", "c4"])
        #expect(result.duplicates == 1)
        #expect(result.failure?.kind == .totalMismatch)
        #expect(result.passes == 2)
    }

    @Test("a channel inserted mid-poll shifts the pages; the listing is read again and completes")
    func insertionMidPollRereads() async throws {
        let fixture = try await SimulatorFixture.start(channelCount: 300, faults: [
            FaultRule(match: .page(2), failure: .insertChannel, times: 1),
        ])
        defer { Task { await fixture.stop() } }
        let result = await Self.poll(fixture)
        #expect(result.isComplete, "\(String(describing: result.failure))")
        #expect(result.passes == 2)
        #expect(result.channels.count == 301)
        #expect(result.total == 301)
        #expect(result.pages == 3 + 4)
    }

    @Test("a channel removed mid-poll would hide another; the listing is read again and completes")
    func removalMidPollRereads() async throws {
        let fixture = try await SimulatorFixture.start(channelCount: 300, faults: [
            FaultRule(match: .page(2), failure: .removeChannel, times: 1),
        ])
        defer { Task { await fixture.stop() } }
        let result = await Self.poll(fixture)
        #expect(result.isComplete, "\(String(describing: result.failure))")
        #expect(result.passes == 2)
        #expect(result.channels.count == 299)
        // The channel that slid into page 1's range during pass 1 is present.
        #expect(result.channels.contains { $0.id == "\(fixture.partnerID)-ch-000101" })
    }

    @Test("a total that keeps moving makes the poll incomplete with the reason")
    func persistentDriftIsIncomplete() async throws {
        let fixture = try await SimulatorFixture.start(channelCount: 300, faults: [
            FaultRule(match: .page(3), failure: .totalDrift(2)),
        ])
        defer { Task { await fixture.stop() } }
        let result = await Self.poll(fixture, concurrency: 4)
        let failure = try #require(result.failure)
        #expect(failure.kind == .totalMismatch)
        #expect(failure.description.contains("total moved during the poll (first page 300, last page 302)"))
        #expect(failure.description.contains("after 2 passes"))
        #expect(result.passes == 2)
        #expect(result.channels.count == 300)
    }

    @Test("a short page before the end is filled by asking for the rest")
    func shortPageIsFilled() async throws {
        let fixture = try await SimulatorFixture.start(channelCount: 500, faults: [
            FaultRule(match: .page(3), failure: .shortPage(40), times: 1),
        ])
        defer { Task { await fixture.stop() } }
        let result = await Self.poll(fixture, concurrency: 3)
        #expect(result.isComplete, "\(String(describing: result.failure))")
        #expect(result.channels.count == 500)
        #expect(result.passes == 1)
        #expect(result.requests == 6)
        let gapFill = await fixture.simulator.recordedRequests().first { $0.query["offset"] == "240" }
        #expect(gapFill?.query["limit"] == "60")
    }

    @Test("a server that caps the page size is paged by what it serves")
    func cappedPageSize() async throws {
        let fixture = try await SimulatorFixture.start(channelCount: 1000, maxPageSize: 100)
        defer { Task { await fixture.stop() } }
        let result = await Self.poll(fixture, pageSize: 250, concurrency: 4)
        #expect(result.isComplete, "\(String(describing: result.failure))")
        #expect(result.channels.count == 1000)
        #expect(result.pages == 10)
    }

    @Test("an empty listing is complete")
    func emptyListing() async throws {
        let fixture = try await SimulatorFixture.start(channelCount: 0)
        defer { Task { await fixture.stop() } }
        let result = await Self.poll(fixture)
        #expect(result.isComplete)
        #expect(result.channels.isEmpty && result.total == 0 && result.pages == 1)
    }
}
