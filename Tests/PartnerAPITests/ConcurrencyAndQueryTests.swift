import Foundation
import JSON
import Testing
@testable import PartnerAPI

@Suite("Concurrency, filters and sort")
struct ConcurrencyAndQueryTests {
    @Test("in-flight requests never exceed the concurrency limit, and do overlap when allowed", arguments: [1, 3, 8])
    func concurrencyLimit(concurrency: Int) async throws {
        let fixture = try await SimulatorFixture.start(channelCount: 2_000, latency: .milliseconds(20))
        defer { Task { await fixture.stop() } }
        let result = await PartnerPoller(settings: fixture.settings(pageSize: 100, concurrency: concurrency)).poll()
        #expect(result.isComplete)
        let stats = try await fixture.stats()
        #expect(stats.requests == 20)
        #expect(stats.maxInFlight <= concurrency)
        if concurrency > 1 { #expect(stats.maxInFlight > 1) } else { #expect(stats.maxInFlight == 1) }
    }

    static let documents: [JSONValue] = [
        json(#"{"id": "a", "status": "ready", "waba_account": {"status": "approved"}, "setup_info": {"phone_number": "+3"}}"#),
        json(#"{"id": "b", "status": "error", "waba_account": {"status": "approved"}, "setup_info": {"phone_number": "+1"}}"#),
        json(#"{"id": "c", "status": "ready", "waba_account": {"status": "account_banned"}, "setup_info": {"phone_number": "+2"}}"#),
        json(#"{"id": "d", "status": "ready", "waba_account": {"status": "approved"}, "setup_info": {"phone_number": "+0"}}"#),
        json(#"{"id": "e", "status": "ready", "waba_account": {"status": "approved"}}"#),
    ]

    @Test("filters are sent as URL-encoded JSON and applied by dotted field")
    func filtersPassedThrough() async throws {
        let fixture = try await SimulatorFixture.start(documents: Self.documents)
        defer { Task { await fixture.stop() } }
        let filters: [String: JSONValue] = ["status": .string("ready"), "waba_account.status": .string("approved")]
        let result = await PartnerPoller(settings: fixture.settings(pageSize: 2, filters: filters)).poll()
        #expect(result.isComplete)
        #expect(result.channels.map(\.id) == ["a", "d", "e"])
        let sent = try #require(await fixture.simulator.recordedRequests().first?.query["filters"])
        #expect(try JSONParser.parse(Data(sent.utf8)) == .object(filters))
    }

    @Test("sort is passed through; '-' sorts descending", arguments: [
        ("-id", ["e", "d", "c", "b", "a"]),
        ("setup_info.phone_number", ["e", "d", "b", "c", "a"]),
    ])
    func sortPassedThrough(sort: String, expected: [String]) async throws {
        let fixture = try await SimulatorFixture.start(documents: Self.documents)
        defer { Task { await fixture.stop() } }
        let result = await PartnerPoller(settings: fixture.settings(pageSize: 2, sort: sort)).poll()
        #expect(result.isComplete)
        #expect(result.channels.map(\.id) == expected)
        #expect(await fixture.simulator.recordedRequests().allSatisfy { $0.query["sort"] == sort })
    }

    @Test("the API key travels in X-API-Key, never in the URL")
    func apiKeyInHeaderOnly() async throws {
        let fixture = try await SimulatorFixture.start(channelCount: 5)
        defer { Task { await fixture.stop() } }
        let result = await PartnerPoller(settings: fixture.settings()).poll()
        #expect(result.isComplete)
        let requests = await fixture.simulator.recordedRequests()
        #expect(requests.allSatisfy { $0.authorized })
        #expect(requests.allSatisfy { !$0.query.values.contains { $0.contains(fixture.apiKey) } })
        #expect(!PartnerSettings(id: "p", apiKey: "sk-secret", baseURL: "http://x").description.contains("sk-secret"))
    }
}
