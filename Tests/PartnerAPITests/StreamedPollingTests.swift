import Primitives
import Foundation
import JSON
import Testing
@testable import PartnerAPI

/// Polls that hand each page's channels on as it arrives (`poll(timeout:emit:)`), as the
/// worker records them, instead of returning the whole listing.
@Suite("Streamed polling")
struct StreamedPollingTests {
    /// Batches received, in order, under a lock.
    final class Received: Sendable {
        private let stored = LockedBox<[ChannelBatch]>([])
        func add(_ batch: ChannelBatch) { stored.withLock { $0.append(batch) } }
        var batches: [ChannelBatch] { stored.value }
    }

    @Test("every channel is handed on exactly once, page by page, and the result keeps none")
    func everyChannelOnce() async throws {
        let fixture = try await SimulatorFixture.start(channelCount: 1_050)
        defer { Task { await fixture.stop() } }
        let received = Received()
        let result = await PartnerPoller(settings: fixture.settings(pageSize: 100, concurrency: 4))
            .poll { received.add($0) }
        #expect(result.isComplete, "\(String(describing: result.failure))")
        #expect(result.channels.isEmpty)
        #expect(result.channelCount == 1_050)
        let ids = received.batches.flatMap { $0.channels.map(\.id) }
        #expect(ids.count == 1_050)
        #expect(Set(ids).count == 1_050)
        #expect(received.batches.count == 11)
        #expect(received.batches.allSatisfy { $0.pass == 1 })
        #expect(received.batches.flatMap(\.channels).allSatisfy { $0.document["id"]?.stringValue == $0.id })
    }

    @Test("a listing read again hands the second pass's channels on with pass 2")
    func secondPassIsMarked() async throws {
        let fixture = try await SimulatorFixture.start(channelCount: 300, faults: [
            FaultRule(match: .page(2), failure: .insertChannel, times: 1),
        ])
        defer { Task { await fixture.stop() } }
        let received = Received()
        let result = await PartnerPoller(settings: fixture.settings(pageSize: 100, concurrency: 1),
                                         retrySchedule: FaultHandlingTests.fastRetries).poll { received.add($0) }
        #expect(result.isComplete, "\(String(describing: result.failure))")
        #expect(result.passes == 2)
        #expect(result.channelCount == 301)
        let secondPass = received.batches.filter { $0.pass == 2 }.flatMap { $0.channels.map(\.id) }
        #expect(secondPass.count == 301)
        #expect(Set(secondPass).count == 301)
        #expect(received.batches.first?.pass == 1)
    }

    @Test("a channel served twice in one pass counts once and is handed on as served (the recorder keeps the first)")
    func duplicateHandedOnOnce() async throws {
        let documents = ["c1", "c2", "c3", "c2", "c4"].map { JSONValue.object(["id": .string($0)]) }
        let fixture = try await SimulatorFixture.start(documents: documents)
        defer { Task { await fixture.stop() } }
        let received = Received()
        let result = await PartnerPoller(settings: fixture.settings(pageSize: 2),
                                         retrySchedule: FaultHandlingTests.fastRetries).poll { received.add($0) }
        #expect(result.duplicates == 1)
        for pass in Set(received.batches.map(\.pass)) {
            let ids = received.batches.filter { $0.pass == pass }.flatMap { $0.channels.map(\.id) }
            #expect(ids.sorted() == ["c1", "c2", "c2", "c3", "c4"])
        }
    }
}
