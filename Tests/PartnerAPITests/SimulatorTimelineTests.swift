import Curl
import Foundation
import JSON
import Testing
@testable import PartnerAPI

@Suite("Simulator timeline and control endpoints")
struct SimulatorTimelineTests {
    static let scenarioText = """
        partners:
          - id: tl-a
            api_key: key-a
            channels: [{id: a1, current_quality_rating: High}, {id: a2, current_quality_rating: High}]
          - id: tl-b
            api_key: key-b
            channels: [{id: b1, status: ready}]
        timeline:
          steps:
            - name: a1 drops
              changes: [{partner: tl-a, channel: a1, set: {current_quality_rating: Low}}]
            - name: b1 removed, a3 added
              changes:
                - {partner: tl-b, remove: b1}
                - {partner: tl-a, add: {id: a3, current_quality_rating: Medium}}
        """

    static func start(_ text: String = scenarioText) async throws -> (PartnerAPISimulator, String) {
        let simulator = PartnerAPISimulator(scenario: try ScenarioLoader.parse(text, file: "timeline.yml"))
        try await simulator.start()
        return (simulator, try #require(await simulator.baseURL))
    }

    static func poll(_ base: String, _ partner: String, _ key: String) async -> PollResult {
        await PartnerPoller(settings: PartnerSettings(id: partner, apiKey: key, baseURL: base, pageSize: 1)).poll()
    }

    @Test("a step is applied after every partner finished a pass, before the next pass starts")
    func advancesAfterCompletePasses() async throws {
        let (simulator, base) = try await Self.start()
        defer { Task { await simulator.stop() } }
        var a = await Self.poll(base, "tl-a", "key-a")
        #expect(a.channels.map { $0.text("current_quality_rating") } == ["High", "High"])
        // Only one partner has finished a pass: the world does not move yet.
        a = await Self.poll(base, "tl-a", "key-a")
        #expect(a.channels.first?.text("current_quality_rating") == "High")
        #expect(await simulator.stepsApplied() == 0)
        let b = await Self.poll(base, "tl-b", "key-b")
        #expect(b.channels.map(\.id) == ["b1"])
        // Both have: the next listing sees step 1.
        a = await Self.poll(base, "tl-a", "key-a")
        #expect(a.isComplete)
        #expect(a.channels.first?.text("current_quality_rating") == "Low")
        #expect(await simulator.stepsApplied() == 1)
    }

    @Test("POST /_sim/advance applies the next step; GET /_sim/state reports it")
    func controlEndpoints() async throws {
        let (simulator, base) = try await Self.start()
        defer { Task { await simulator.stop() } }
        let client = Curl.HTTPClient.shared
        for expected in [true, true, false] {
            let response = try await client.send(Curl.HTTPRequest(method: "POST", url: "\(base)/_sim/advance"))
            #expect(response.status == 200)
            #expect(try JSONParser.parse(response.body)["advanced"] == .bool(expected))
        }
        let state = try JSONParser.parse(try await client.send(Curl.HTTPRequest(url: "\(base)/_sim/state")).body)
        #expect(state["steps_applied"] == .number(2))
        #expect(state["current_step"] == .string("b1 removed, a3 added"))
        let a = await Self.poll(base, "tl-a", "key-a")
        #expect(a.channels.map(\.id) == ["a1", "a2", "a3"])
        let b = await Self.poll(base, "tl-b", "key-b")
        #expect(b.isComplete && b.channels.isEmpty)
        let partners = try #require(state["partners"])
        #expect(partners == json("""
            [{"id": "tl-a", "channels": 3, "requests": 0, "pages_served": 0, "faults_injected": 0, "max_in_flight": 0, "passes": 0},
             {"id": "tl-b", "channels": 0, "requests": 0, "pages_served": 0, "faults_injected": 0, "max_in_flight": 0, "passes": 0}]
            """))
    }

    @Test("faults set at runtime fire the given number of times")
    func runtimeFaults() async throws {
        let (simulator, base) = try await Self.start()
        defer { Task { await simulator.stop() } }
        await simulator.setFaults([FaultRule(failure: .status(503), times: 1)], partnerID: "tl-a")
        let result = await PartnerPoller(settings: PartnerSettings(id: "tl-a", apiKey: "key-a", baseURL: base),
                                         retrySchedule: FaultHandlingTests.fastRetries).poll()
        #expect(result.isComplete)
        #expect(result.retries == 1)
        let stats = try #require(await simulator.stats(partnerID: "tl-a"))
        #expect(stats.faultsInjected == 1 && stats.requests == 2 && stats.pagesServed == 1)
    }

    @Test("an unknown route answers 404 in the documented error shape")
    func unknownRoute() async throws {
        let (simulator, base) = try await Self.start()
        defer { Task { await simulator.stop() } }
        let response = try await Curl.HTTPClient.shared.send(Curl.HTTPRequest(url: "\(base)/api/v1/whatever"))
        #expect(response.status == 404)
        #expect(APIErrorBody(body: response.body).developerMessage == "No route for GET /api/v1/whatever")
    }
}
