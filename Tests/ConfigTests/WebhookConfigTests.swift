import Config
import Foundation
import JSON
import Testing

/// `webhook_listen` and a partner's `webhook:` block.
@Suite struct WebhookConfigTests {
    let loader = ConfigLoaderTests()

    @Test func secretsBasicAuthAndTimingsAreRead() throws {
        let config = try loader.load("""
            webhook_listen: 0.0.0.0:9465
            partners:
              - id: p1
                api_key: k
                webhook:
                  secret: ["${OLD_SECRET}", new-secret-value]
                  basic_auth: {username: d360, password: "${HOOK_PASSWORD}"}
                  debounce: 2s
                  min_full_poll_interval: 5m
              - {id: p2, api_key: k, webhook: {secret: only-one-secret}}
              - {id: p3, api_key: k}
            """, environment: ["OLD_SECRET": "old-SECRET-1", "HOOK_PASSWORD": "pw-SECRET-2"]).0.get()
        #expect(config.webhookListen == "0.0.0.0:9465")
        let webhook = try #require(config.partners[0].webhook)
        #expect(webhook.secrets.map(\.revealed) == ["old-SECRET-1", "new-secret-value"])
        #expect(webhook.basicAuth?.username == "d360" && webhook.basicAuth?.password.revealed == "pw-SECRET-2")
        #expect(webhook.debounce == .seconds(2) && webhook.minFullPollInterval == .seconds(300))
        #expect(config.partners[1].webhook?.secrets.map(\.revealed) == ["only-one-secret"])
        #expect(config.partners[1].webhook?.debounce == .seconds(1))
        #expect(config.partners[1].webhook?.minFullPollInterval == .seconds(60))
        #expect(config.partners[2].webhook == nil)

        let redacted = String(decoding: config.redacted.encoded(), as: UTF8.self)
        for secret in ["old-SECRET-1", "new-secret-value", "pw-SECRET-2", "only-one-secret"] {
            #expect(!redacted.contains(secret), "\(secret) leaked into \(redacted)")
        }
        #expect(redacted.contains(#""username":"d360""#))
        #expect(redacted.contains(#""webhook_listen":"0.0.0.0:9465""#))
    }

    @Test func anUnauthenticatedInboundPartnerIsRefusedWithItsPosition() throws {
        let found = try loader.errors("""
            webhook_listen: 0.0.0.0:9465
            partners:
              - id: p1
                api_key: k
                webhook: {debounce: 1s}
            """)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("F:5:14: partner p1: 'webhook' needs a 'secret'") == true, "\(found)")
    }

    @Test func badWebhookSettingsAreEachReported() throws {
        let found = try loader.errors("""
            listen: 127.0.0.1:9464
            webhook_listen: 127.0.0.1:9464
            partners:
              - id: p1
                api_key: k
                webhook:
                  secret: ["", ok-secret]
                  basic_auth: {username: u}
                  debounce: 5 minutes
                  sekret: x
            """)
        #expect(found.contains { $0.hasPrefix("F:2:17: 'webhook_listen' must differ from 'listen'") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("F:7:16: partner p1: a webhook 'secret' is empty") }, "\(found)")
        #expect(found.contains { $0.contains("'password'") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("F:9:17:") }, "\(found)")
        #expect(found.contains { $0.contains("unknown key 'sekret'") }, "\(found)")
    }

    @Test func aListenerWithoutAnyInboundPartnerIsRefused() throws {
        let found = try loader.errors("""
            webhook_listen: 0.0.0.0:9465
            partners: [{id: p1, api_key: k}]
            """)
        #expect(found == ["F:1:17: 'webhook_listen' is set but no partner has a 'webhook:' block; every request would be refused"])
    }
}
