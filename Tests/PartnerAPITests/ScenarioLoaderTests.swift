import Foundation
import JSON
import Testing
import YAMLSupport
@testable import PartnerAPI

@Suite("Scenario files")
struct ScenarioLoaderTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("the shipped example scenarios load", arguments: ["demo.yml", "faults.yml", "bench-10k.yml"])
    func shippedScenariosLoad(name: String) throws {
        let scenario = try ScenarioLoader.load(path: Self.repository.appendingPathComponent("scenarios/\(name)").path)
        #expect(!scenario.partners.isEmpty)
        #expect(scenario.partners.allSatisfy { !$0.channels.isEmpty })
    }

    @Test("documents, generator, overrides, faults and timeline are read")
    func readsEverything() throws {
        let text = """
            partners:
              - id: p1
                api_key: k1
                max_page_size: 50
                latency: 5ms
                channels:
                  - {id: c1, status: ready, waba_account: {status: approved}}
                generate:
                  count: 3
                  template: {id: "g-{n:2}", setup_info: {phone_number: "+49{n}"}, status: ready}
                  overrides: [{every: 2, set: {status: error}}, {number: 3, set: {settings.tier: premium}}]
                faults:
                  - {page: 2, fail: status, status: 502, times: 2}
                  - {offset: 10, fail: rate_limit, retry_after: 3s}
                  - {request: 4, fail: hang, duration: 2s}
                  - {latency: 40ms}
            timeline:
              advance: manual
              steps:
                - name: drop
                  changes:
                    - {channel: c1, set: {waba_account.status: account_banned}}
                    - {every: 2, unset: [setup_info.phone_number]}
                    - {remove: [g-01]}
                    - {add: {id: c9}}
            """
        let scenario = try ScenarioLoader.parse(text, file: "inline.yml")
        let partner = try #require(scenario.partners.first)
        #expect(partner.id == "p1" && partner.apiKey == "k1" && partner.maxPageSize == 50 && partner.latency == .milliseconds(5))
        #expect(partner.channels.compactMap { $0["id"]?.stringValue } == ["c1", "g-01", "g-02", "g-03"])
        #expect(partner.channels[2][path: "status"] == .string("error"))
        #expect(partner.channels[1][path: "setup_info.phone_number"] == .string("+491"))
        #expect(partner.channels[3][path: "settings.tier"] == .string("premium"))
        #expect(partner.faults == [
            FaultRule(match: .page(2), failure: .status(502), times: 2),
            FaultRule(match: .offset(10), failure: .rateLimit(retryAfterSeconds: 3)),
            FaultRule(match: .request(4), failure: .hang(.seconds(2))),
            FaultRule(latency: .milliseconds(40)),
        ])
        #expect(scenario.timeline.advance == .manual)
        #expect(scenario.timeline.steps.first?.name == "drop")
        #expect(scenario.timeline.steps.first?.changes.count == 4)
    }

    @Test("every problem is reported at FILE:LINE:COLUMN, all at once")
    func reportsAllProblemsWithLocations() throws {
        let text = """
            partners:
              - id: p1
                api_key: k1
                chanels: []
                faults:
                  - {page: 2, fail: staus}
                  - {page: 2, offset: 3, fail: hang}
                generate: {count: many}
              - {id: p1, api_key: k2}
              - {id: p3}
            timeline:
              steps:
                - changes:
                    - {partner: p2, channel: c1, set: {status: error}}
                    - {partner: p1, channel: c1}
            """
        do {
            _ = try ScenarioLoader.parse(text, file: "bad.yml")
            Issue.record("a bad scenario loaded")
        } catch let diagnostics as Diagnostics {
            let lines = diagnostics.items.map(\.description)
            #expect(lines.contains("bad.yml:4:5: unknown key 'chanels' (did you mean 'channels'?)"))
            #expect(lines.contains { $0.hasPrefix("bad.yml:6:") && $0.contains("unknown fault 'staus' (did you mean 'status'?)") })
            #expect(lines.contains { $0.hasPrefix("bad.yml:7:") && $0.contains("at most one of 'page', 'offset' or 'request'") })
            #expect(lines.contains { $0.hasPrefix("bad.yml:8:") && $0.contains("'count' must be an integer") })
            #expect(lines.contains { $0.hasPrefix("bad.yml:10:") && $0.contains("missing required key 'api_key'") })
            #expect(lines.contains { $0.contains("duplicate partner id 'p1'") })
            #expect(lines.contains { $0.hasPrefix("bad.yml:14:") && $0.contains("unknown partner 'p2'") })
            #expect(lines.contains { $0.hasPrefix("bad.yml:15:") && $0.contains("exactly one of 'set', 'unset', 'add' or 'remove'") })
        }
    }

    @Test("a partner's webhooks: must name an http(s) url; unknown keys are refused")
    func webhooksAreValidated() throws {
        let good = try ScenarioLoader.parse("""
            partners:
              - {id: p1, api_key: k, webhooks: {url: "http://127.0.0.1:9465/webhooks/360dialog/p1", secret: s3cret}}
            """, file: "ok.yml")
        #expect(good.partners[0].webhook?.url == "http://127.0.0.1:9465/webhooks/360dialog/p1")
        #expect(good.partners[0].webhook?.secret == "s3cret")
        do {
            _ = try ScenarioLoader.parse("""
                partners:
                  - {id: p1, api_key: k, webhooks: {url: "ftp://x", sekret: s}}
                  - {id: p2, api_key: k, webhooks: {secret: s}}
                """, file: "bad.yml")
            Issue.record("a bad scenario loaded")
        } catch let diagnostics as Diagnostics {
            let lines = diagnostics.items.map(\.description)
            #expect(lines.contains { $0.hasPrefix("bad.yml:2:") && $0.contains("'url' must be an http:// or https:// URL") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("bad.yml:2:") && $0.contains("unknown key 'sekret'") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("bad.yml:3:") && $0.contains("missing required key 'url'") }, "\(lines)")
        }
    }

    @Test("YAML syntax errors and a missing file are diagnostics naming the file")
    func syntaxErrors() {
        #expect(throws: Diagnostics.self) { try ScenarioLoader.parse("partners: [", file: "broken.yml") }
        do {
            _ = try ScenarioLoader.load(path: "/nonexistent/scenario.yml")
        } catch {
            #expect("\(error)" == "/nonexistent/scenario.yml: cannot read file")
        }
    }

    @Test("generator placeholders expand with zero padding")
    func placeholders() {
        #expect(ChannelGenerator.expand("id-{n:4}-{n}-{x}", number: 42) == "id-0042-42-{x}")
        #expect(ChannelGenerator.expand("{n:2}", number: 123) == "123")
    }
}

@Suite("Shipped fault scenario end to end")
struct FaultScenarioTests {
    @Test("scenarios/faults.yml: the flaky partner completes after retries, the broken one is incomplete")
    func faultScenario() async throws {
        let path = ScenarioLoaderTests.repository.appendingPathComponent("scenarios/faults.yml").path
        let simulator = PartnerAPISimulator(scenario: try ScenarioLoader.load(path: path))
        try await simulator.start()
        defer { Task { await simulator.stop() } }
        let base = try #require(await simulator.baseURL)
        let flaky = await PartnerPoller(settings: PartnerSettings(id: "flaky-partner", apiKey: "flaky-key", baseURL: base, concurrency: 2),
                                        retrySchedule: FaultHandlingTests.fastRetries).poll()
        #expect(flaky.isComplete, "\(String(describing: flaky.failure))")
        #expect(flaky.channels.count == 450)
        // Five failures fire; libcurl itself silently re-sends a request whose reused connection
        // died before any reply, so a dropped connection may not cost a retry of ours.
        // Six: the five failures and the latency-only rule on page 1.
        #expect(await simulator.stats(partnerID: "flaky-partner")?.faultsInjected == 6)
        #expect(flaky.retries >= 4)
        #expect(flaky.duration >= .seconds(1))
        let broken = await PartnerPoller(settings: PartnerSettings(id: "broken-partner", apiKey: "broken-key", baseURL: base,
                                                                   concurrency: 1, requestTimeout: .milliseconds(400)),
                                         retrySchedule: FaultHandlingTests.fastRetries).poll(timeout: .seconds(20))
        let failure = try #require(broken.failure)
        #expect(failure.kind == .timeout)
        #expect(failure.page == 2)
    }
}
