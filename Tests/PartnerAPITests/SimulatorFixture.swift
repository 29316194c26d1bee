import Foundation
import JSON
import Testing
@testable import PartnerAPI

/// A simulator on a free loopback port, serving one partner, plus settings to poll it.
struct SimulatorFixture {
    let simulator: PartnerAPISimulator
    let baseURL: String
    let partnerID: String
    let apiKey: String

    /// Starts a simulator for `channels` synthetic channels (or the given documents).
    static func start(
        partnerID: String = "partner-\(UUID().uuidString.prefix(8))",
        apiKey: String = "sk-\(UUID().uuidString)",
        channelCount: Int = 0,
        documents: [JSONValue] = [],
        maxPageSize: Int? = nil,
        latency: Duration = .zero,
        faults: [FaultRule] = [],
        timeline: Timeline = Timeline()
    ) async throws -> SimulatorFixture {
        let generated = ChannelGenerator(count: channelCount, template: Self.template).documents(partnerID: partnerID)
        let partner = ScenarioPartner(id: partnerID, apiKey: apiKey, channels: documents + generated,
                                      maxPageSize: maxPageSize, latency: latency, faults: faults)
        let simulator = PartnerAPISimulator(scenario: Scenario(partners: [partner], timeline: timeline))
        try await simulator.start()
        let baseURL = try #require(await simulator.baseURL)
        return SimulatorFixture(simulator: simulator, baseURL: baseURL, partnerID: partnerID, apiKey: apiKey)
    }

    /// Settings for polling this simulator's partner.
    func settings(pageSize: Int = 100, concurrency: Int = 4, sort: String? = "id", filters: [String: JSONValue] = [:],
                  requestTimeout: Duration = .seconds(10)) -> PartnerSettings {
        PartnerSettings(id: partnerID, apiKey: apiKey, baseURL: baseURL, filters: filters, sort: sort,
                        pageSize: pageSize, concurrency: concurrency, requestTimeout: requestTimeout)
    }

    func stats() async throws -> SimulatorStats {
        try #require(await simulator.stats(partnerID: partnerID))
    }

    func stop() async { await simulator.stop() }

    /// A channel document shaped like the reference's `PartnerChannelsPublicPayload`.
    static let template: JSONValue = json("""
        {"status": "ready", "client_id": "client-{n:3}", "created_at": "2025-01-01T00:00:00Z",
         "current_limit": "TIER_1K", "current_quality_rating": "High", "availability_status": "ready",
         "is_oba": false, "settings": {"tier": "regular", "throughput": {"level": "standard"}},
         "setup_info": {"phone_number": "+4930{n:7}", "phone_name": "Shop {n}"},
         "client": {"id": "client-{n:3}", "name": "Client {n}"},
         "waba_account": {"id": "waba-{n}", "status": "approved", "external_id": "10{n:8}",
                          "fb_business_id": "biz-{n}", "namespace": "ns_{n}"},
         "integration": {"state": "running", "enabled": true, "app_id": "app-{n}",
                         "hosting_platform_type": "meta_cloud_api"}}
        """)
}

/// A fixed-point random source for the retry schedule's jitter.
struct FixedRandom: RandomNumberGenerator {
    var value: UInt64
    mutating func next() -> UInt64 { value }
}

/// Parses JSON text written in a test (a test bug if it is not valid JSON).
func json(_ text: String) -> JSONValue {
    do {
        return try JSONParser.parse(Data(text.utf8))
    } catch {
        fatalError("test JSON is invalid: \(error)")
    }
}
