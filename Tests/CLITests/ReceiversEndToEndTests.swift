import Foundation
import Testing
import TestSupport

/// Every shipped rule, end to end through the demo's timeline, reaches Slack, a webhook and email
/// (local sinks) with the right content; and `notify-test`.
@Suite struct ReceiversEndToEndTests {
    static let shippedRules: Set<String> = [
        "quality_low", "quality_degraded", "availability_error", "channel_status_error", "messaging_limit_up",
        "messaging_limit_down", "billing_tier_changed", "waba_banned", "waba_restricted", "channel_removed",
        "channel_cancelled", "channel_terminated", "channel_disappeared",
    ]

    @Test func everyShippedRuleReachesSlackWebhookAndEmail() async throws {
        let slack = try HTTPSink { _ in .ok }
        let webhook = try HTTPSink { _ in .respond(.text("", status: 204)) }
        let mail = try SMTPSink()
        defer { slack.stop(); webhook.stop(); mail.stop() }
        try await TestDatabase.with { database in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cw-e2e-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let result = try await ChannelWatchBinary.run(
                ["demo", "--slack-url", slack.url("/services/T0/B0/SLACKSECRET"), "--webhook-url", webhook.url("/cw"),
                 "--webhook-secret", "whsec-e2e", "--smtp-url", "smtp://127.0.0.1:\(mail.port)", "--email-to", "oncall@example.com"],
                environment: ["DATABASE_URL": database.connectionString, "CHANNELWATCH_DEMO_SMTP_PLAIN": "1",
                              "CHANNELWATCH_DEMO_DATABASE": "cwdemo_\(database.name.suffix(8))"],
                in: directory, timeout: .seconds(120))
            #expect(result.succeeded, "\(result.standardError)")
            #expect(!(result.standardOutput + result.standardError).contains("SLACKSECRET"))
        }

        // Slack: Block Kit with a text fallback, every rule's events somewhere in the messages.
        let slackTexts = slack.requests.map(\.bodyText)
        #expect(!slackTexts.isEmpty)
        for body in slackTexts {
            let message = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            #expect(message["text"] is String)
            #expect((1...50).contains((message["blocks"] as? [Any])?.count ?? 0))
        }
        #expect(slackTexts.joined().contains("+4930111111"))

        // Webhook: payload v1; the rules of all payloads together are every shipped rule.
        let webhookRules = Set(webhook.requests.flatMap { request -> [String] in
            let payload = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any]
            #expect(payload?["version"] as? String == "1")
            #expect(request.header("X-ChannelWatch-Signature")?.hasPrefix("t=") == true)
            return ((payload?["events"] as? [[String: Any]]) ?? []).compactMap { $0["rule"] as? String }
        })
        #expect(webhookRules == Self.shippedRules)

        // Email: one message per notification, both parts, every rule named in some subject or body.
        #expect(mail.messages.count == webhook.requests.count)
        #expect(mail.messages.count == slack.requests.count)
        let mailText = mail.messages.map(\.text).joined()
        #expect(mail.messages.allSatisfy { $0.recipients == ["oncall@example.com"] })
        #expect(mail.messages.allSatisfy { $0.text.contains("multipart/alternative") && $0.text.contains("text/html") })
        for rule in Self.shippedRules {
            #expect(mailText.contains(rule) || webhookRules.contains(rule))
        }
    }

    @Test func notifyTestSendsAMarkedTestAndReportsTheOutcome() async throws {
        let hook = try HTTPSink { _ in .ok }
        let gone = try HTTPSink { _ in .respond(.text("channel_not_found", status: 404)) }
        defer { hook.stop(); gone.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cw-notify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
            partners: [{id: p1, api_key: k}]
            receivers:
              - {name: audit, type: webhook, url: "\(hook.url("/audit"))"}
              - {name: ops-slack, type: slack, url: "\(gone.url("/services/XSECRETX"))"}
            routes: [{receivers: [audit, ops-slack]}]
            """.write(to: directory.appendingPathComponent("channelwatch.yml"), atomically: true, encoding: .utf8)

        let delivered = try await ChannelWatchBinary.run(["notify-test", "audit"], in: directory)
        #expect(delivered.succeeded, "\(delivered.standardError)")
        let request = try #require(hook.requests.first)
        #expect(request.header("X-ChannelWatch-Kind") == "test")
        #expect(request.bodyText.contains("\"events\""))

        let dead = try await ChannelWatchBinary.run(["notify-test", "ops-slack"], in: directory)
        #expect(dead.exitCode == 1)
        #expect((dead.standardOutput + dead.standardError).contains("channel_not_found"))
        #expect(!(dead.standardOutput + dead.standardError).contains("XSECRETX"))

        let typo = try await ChannelWatchBinary.run(["notify-test", "audti"], in: directory)
        #expect(typo.exitCode == 1)
        #expect(typo.standardError.contains("did you mean 'audit'"))
    }
}
