import Foundation
import PartnerAPI
import Testing
import TestSupport

/// Per-client recipients end to end: the real binary polls the simulator, renders each event's
/// email `to` and webhook `url` from its channel, and the sinks receive one notification per
/// client, the unusable renderings going to `fallback_to`.
@Suite struct PerClientRecipientsTests {
    static let urlToken = "TOKENxq81Zr"

    /// Five numbers, all going Low in the second poll: two clients with contact addresses in the
    /// allowed domains, one without a contact email, one whose address is outside them, and a
    /// number with no client at all.
    static let scenario = """
        partners:
          - id: p1
            api_key: k1
            channels:
              - {id: ch-a, status: ready, client_id: ca, current_limit: TIER_1K, current_quality_rating: High,
                 setup_info: {phone_number: "+491111"}, client: {id: ca, name: A, contact_info: {email: ops@client-a.example}}}
              - {id: ch-b, status: ready, client_id: cb, current_limit: TIER_1K, current_quality_rating: High,
                 setup_info: {phone_number: "+492222"}, client: {id: cb, name: B, contact_info: {email: help@client-b.example}}}
              - {id: ch-c, status: ready, client_id: cc, current_limit: TIER_1K, current_quality_rating: High,
                 setup_info: {phone_number: "+493333"}, client: {id: cc, name: C, contact_info: {phone: "+49"}}}
              - {id: ch-d, status: ready, client_id: cd, current_limit: TIER_1K, current_quality_rating: High,
                 setup_info: {phone_number: "+494444"}, client: {id: cd, name: D, contact_info: {email: d@elsewhere.test}}}
              - {id: ch-e, status: ready, current_limit: TIER_1K, current_quality_rating: High, setup_info: {phone_number: "+495555"}}
        timeline:
          advance: after_pass
          steps:
            - name: every number goes Low
              changes:
                - {channels: [ch-a, ch-b, ch-c, ch-d, ch-e], set: {current_quality_rating: Low}}
        """

    @Test func twoClientsGetTheirOwnMailAndTheUnusableOnesGoToTheFallback() async throws {
        let mail = try SMTPSink()
        let hooks = try HTTPSink { _ in .ok }
        defer { mail.stop(); hooks.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cw-recipients-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let scenarioPath = directory.appendingPathComponent("scenario.yml").path
        try Self.scenario.write(toFile: scenarioPath, atomically: true, encoding: .utf8)
        let simulator = PartnerAPISimulator(scenario: try ScenarioLoader.load(path: scenarioPath))
        try await simulator.start()
        let database = try await TestDatabase.create()
        defer { Task { await simulator.stop(); try? await database.drop() } }
        let rules = ChannelWatchBinary.repositoryRoot.appendingPathComponent("Rules").path
        try """
            partners: [{id: p1, api_key: k1, base_url: "\(await simulator.baseURL!)"}]
            database: {url: "\(database.connectionString)"}
            rules: [\(rules)]
            receivers:
              - name: clients
                type: email
                smtp_url: "smtp://127.0.0.1:\(mail.port)"
                require_tls: false
                from: alerts@partner.example
                to: ["{{channel.client.contact_info.email}}"]
                fallback_to: [partner-ops@partner.example]
                allowed_domains: [client-a.example, client-b.example]
              - name: client-hooks
                type: webhook
                url: "\(hooks.url("/hooks/{{channel.client.id}}?token=\(Self.urlToken)"))"
                fallback_to: "\(hooks.url("/fallback?token=\(Self.urlToken)"))"
            routes: [{match: {rule: quality_low}, receivers: [clients, client-hooks], group_by: [rule]}]
            """.write(to: directory.appendingPathComponent("channelwatch.yml"), atomically: true, encoding: .utf8)

        let check = try await ChannelWatchBinary.run(["check"], in: directory)
        #expect(check.succeeded, "\(check.standardError)")
        let baseline = try await ChannelWatchBinary.run(["poll"], in: directory)
        #expect(baseline.succeeded, "\(baseline.standardError)")
        let low = try await ChannelWatchBinary.run(["poll"], in: directory)
        #expect(low.succeeded, "\(low.standardError)")

        // One quality_low group, split per rendered recipient: A, B, and the fallback with C, D and E.
        let byRecipient = Dictionary(grouping: mail.messages, by: { $0.recipients })
        #expect(Set(byRecipient.keys) == [["ops@client-a.example"], ["help@client-b.example"], ["partner-ops@partner.example"]],
                "\(mail.messages.map(\.recipients))")
        #expect(mail.messages.count == 3)
        let clientA = try #require(byRecipient[["ops@client-a.example"]]?.first?.text)
        #expect(clientA.contains("+491111") && !clientA.contains("+492222") && !clientA.contains("+493333"))
        let fallback = try #require(byRecipient[["partner-ops@partner.example"]]?.first?.text)
        #expect(fallback.contains("+493333") && fallback.contains("+494444") && fallback.contains("+495555"))
        #expect(!fallback.contains("+491111"))

        // The webhook: one POST per client id, the number without a client to the fallback URL;
        // the template's token is put back in when sending.
        let paths = hooks.requests.map(\.path).sorted()
        #expect(paths == ["/fallback", "/hooks/ca", "/hooks/cb", "/hooks/cc", "/hooks/cd"], "\(paths)")
        #expect(hooks.requests.allSatisfy { $0.query == "token=\(Self.urlToken)" }, "\(hooks.requests.map(\.query))")

        // The operator is told which events went to the fallback and why, without the template.
        let output = low.standardOutput + low.standardError
        #expect(output.contains("receiver 'clients': 2 events sent to fallback_to: 'to' renders empty (e.g. channel ch-c)"), "\(output)")
        #expect(output.contains("receiver 'clients': 1 event sent to fallback_to: 'to' renders an address in 'elsewhere.test', "
                                + "outside allowed_domains (e.g. channel ch-d)"), "\(output)")
        #expect(output.contains("receiver 'client-hooks': 1 event sent to fallback_to: 'url' renders empty (e.g. channel ch-e)"),
                "\(output)")

        // Only the tags' values are stored, never the URL template (its token).
        let dump = try await ProcessRunner.run("/usr/bin/pg_dump", ["--data-only", database.connectionString])
        #expect(dump.succeeded, "\(dump.standardError)")
        #expect(dump.standardOutput.contains("ops@client-a.example"))
        #expect(!dump.standardOutput.contains(Self.urlToken))
        #expect(!output.contains(Self.urlToken))
    }
}
