import Config
import Foundation
import JSON
import Testing
import YAMLSupport

@Suite struct ConfigLoaderTests {
    static let specExample = """
        partners:
          - id: ${D360_PARTNER_ID}
            api_key: ${D360_API_KEY}
            base_url: https://hub.360dialog.io
            filters: {}
            page_size: 100
            concurrency: 4
            first_poll: notify
        database:
          url: ${DATABASE_URL:-}
        poll: {interval: 5m, jitter: 15s, timeout: 2m, failing_after: 3}
        rules: [Rules]
        listen: 127.0.0.1:9464
        receivers:
          - {name: ops-slack, type: slack, url: "${SLACK_WEBHOOK_URL}"}
          - {name: oncall, type: email, smtp_url: "smtps://smtp.example.com:465", username: alerts,
             password: "${SMTP_PASSWORD}", from: "ChannelWatch <alerts@example.com>", to: [oncall@example.com]}
          - {name: audit, type: webhook, url: "https://hooks.example.com/cw", secret: "${WEBHOOK_SECRET}"}
        routes:
          - {match: {severity: critical}, receivers: [ops-slack, oncall], group_by: [rule, waba_id]}
          - {receivers: [ops-slack], repeat_interval: 24h}
        inhibit_rules:
          - {source_match: {rule: waba_banned}, target_match: {severity: warning}, equal: [waba_id]}
        """

    static let environment = [
        "D360_PARTNER_ID": "partner-1", "D360_API_KEY": "key-SECRET-123",
        "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T000/B000/SLACKSECRET",
        "SMTP_PASSWORD": "smtp-SECRET-pw", "WEBHOOK_SECRET": "whsec-SECRET",
    ]

    func load(_ text: String, environment: [String: String] = environment) throws -> (Result<ChannelWatchConfig, Diagnostics>, String) {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let path = try fixture.write("channelwatch.yml", text)
        let result = Result { () throws(Diagnostics) in try ConfigLoader(environment: environment).load(path: path) }
        return (result, path)
    }

    func errors(_ text: String, environment: [String: String] = environment) throws -> [String] {
        let (result, path) = try load(text, environment: environment)
        guard case .failure(let diagnostics) = result else {
            Issue.record("expected the config to be refused")
            return []
        }
        return diagnostics.items.map { $0.description.replacingOccurrences(of: path, with: "F") }
    }

    @Test func specExampleLoadsWithEverySection() throws {
        let (result, path) = try load(Self.specExample)
        let config = try result.get()
        #expect(config.partners.count == 1)
        #expect(config.partners[0].id == "partner-1")
        #expect(config.partners[0].apiKey.revealed == "key-SECRET-123")
        #expect(config.partners[0].firstPoll == .notify)
        #expect(config.poll.interval == .seconds(300))
        #expect(config.poll.jitter == .seconds(15))
        #expect(config.poll.timeout == .seconds(120))
        #expect(config.database.url.isEmpty)
        #expect(config.rules == [(path as NSString).deletingLastPathComponent + "/Rules"])
        #expect(config.receivers.map(\.name) == ["ops-slack", "oncall", "audit"])
        #expect(config.routes.count == 2)
        #expect(config.routes[0].groupBy == ["rule", "waba_id"])
        #expect(config.routes[1].groupBy == ["rule"])
        #expect(config.routes[1].repeatInterval == .seconds(86_400))
        #expect(config.inhibitRules.count == 1)
        #expect(config.inhibitRules[0].sourceMatchers == [LabelMatcher(label: "rule", test: .equals("waba_banned"))])
        #expect(config.inhibitRules[0].equal == ["waba_id"])
    }

    @Test func inhibitRulesAreValidatedWithFileLineColumn() throws {
        let base = """
            partners:
              - {id: p1, api_key: k}
            inhibit_rules:

            """
        let found = try errors(base + """
              - {source_match: {rule: waba_banned}, target_match: {rule: "=~("}, equal: [waba_id]}
              - {target_match: {severity: warning}}
              - {source_match: {}, target_match: {severity: warning}, equals: [waba_id]}
            """)
        #expect(found == [
            "F:4:62: inhibit rule target_match 'rule': invalid regular expression '('",
            "F:5:5: missing required key 'source_match'",
            "F:6:20: inhibit rule: 'source_match' needs at least one label, or every alert would inhibit",
            "F:6:59: unknown key 'equals' (did you mean 'equal'?)",
        ])
        let (result, _) = try load(base + """
              - source_match: {rule: waba_banned}
                target_match: {rule: "=~ quality_.*|availability_error"}
                equal: [waba_id]
            """)
        let rule = try result.get().inhibitRules[0]
        #expect(rule.targetMatchers == [LabelMatcher(label: "rule", test: .matches(pattern: "quality_.*|availability_error"))])
        let redacted = String(decoding: try result.get().redacted.encoded(), as: UTF8.self)
        #expect(redacted.contains(#""inhibit_rules":[{"equal":["waba_id"],"source_match":{"rule":"waba_banned"},"target_match":{"rule":"=~ quality_.*|availability_error"}}]"#))
    }

    @Test func redactedOutputHoldsNoSecret() throws {
        let config = try load(Self.specExample).0.get()
        let text = String(decoding: config.redacted.encoded(), as: UTF8.self)
        for secret in ["key-SECRET-123", "SLACKSECRET", "smtp-SECRET-pw", "whsec-SECRET", "/services/", "example.com/cw"] {
            #expect(!text.contains(secret), "\(secret) leaked into \(text)")
        }
        #expect(text.contains("https://hooks.slack.com/<redacted>"))
        #expect(String(describing: config.partners[0].apiKey) == "<redacted>")
        #expect("\(config.partners[0])".contains("key-SECRET") == false)
    }

    @Test func databasePasswordIsRedacted() {
        #expect(Redaction.databaseURL(Secret("postgresql://cw:hunter2@db:5432/cw")) == "postgresql://cw:<redacted>@db:5432/cw")
        #expect(Redaction.databaseURL(Secret("postgresql://cw@db/cw")) == "postgresql://cw@db/cw")
        #expect(!Redaction.databaseURL(Secret("host=db password='hun ter2' user=cw")).contains("hun"))
        #expect(!Redaction.databaseURL(Secret("postgresql://db/cw?password=hunter2")).contains("hunter2"))
    }

    @Test func unknownKeyNamesFileLineColumnWithHint() throws {
        let found = try errors("""
            partners:
              - id: p1
                api_key: k
                page_sise: 100
            """)
        #expect(found == ["F:4:5: unknown key 'page_sise' (did you mean 'page_size'?)"])
    }

    @Test func aReceiverCanLimitItsOwnConcurrency() throws {
        let config = """
            partners:
              - {id: p1, api_key: k}
            poll: {interval: 5m}
            receivers:
              - {name: hook, type: webhook, url: "https://example.com/h", concurrency: 32}
              - {name: slow, type: webhook, url: "https://example.com/s", concurrency: 0}
              - {name: plain, type: console}
            routes:
              - {receivers: [hook, slow, plain]}
            """
        let found = try errors(config)
        #expect(found == ["F:6:76: receiver slow: 'concurrency' must be between 1 and 256, found 0"])
        let (result, _) = try load(config.replacingOccurrences(of: "concurrency: 0", with: "concurrency: 2"))
        let receivers = try result.get().receivers
        #expect(receivers.map(\.concurrency) == [32, 2, nil])
    }

    @Test func everyErrorIsReportedNotJustTheFirst() throws {
        let found = try errors("""
            partners:
              - id: p1
                api_key: k
                first_poll: baselin
                concurrency: 0
            poll: {interval: 5 minutes}
            receivers:
              - {name: s, type: slak, url: "https://x"}
            routes:
              - {receivers: [nobody]}
            """)
        #expect(found.contains("F:4:17: partner p1: 'first_poll' must be notify or baseline, found 'baselin' (did you mean 'baseline'?)"))
        #expect(found.contains("F:5:18: partner p1: 'concurrency' must be between 1 and 64, found 0"))
        #expect(found.contains("F:6:18: 'interval' must be a duration like 500ms, 15s, 5m, 24h or 2d, found '5 minutes'"))
        #expect(found.contains { $0.hasPrefix("F:8:21: receiver s: unknown receiver type 'slak'") && $0.hasSuffix("(did you mean 'slack'?)") })
        #expect(found.contains("F:10:18: route: unknown receiver 'nobody'"))
        #expect(found.count == 5, "\(found)")
    }

    @Test func unsetEnvironmentVariableIsAnError() throws {
        let found = try errors("partners:\n  - id: p1\n    api_key: ${MISSING_KEY}\n", environment: [:])
        #expect(found == ["F:3:14: 'api_key': environment variable MISSING_KEY is not set (use ${MISSING_KEY:-default} for a default)"])
    }

    @Test func secretFromFileAndNotBoth() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        try fixture.write("api-key", "from-file-KEY\n")
        let path = try fixture.write("channelwatch.yml", "partners:\n  - {id: p1, api_key_file: api-key}\n")
        let config = try ConfigLoader(environment: [:]).load(path: path)
        #expect(config.partners[0].apiKey.revealed == "from-file-KEY")

        let both = try errors("partners:\n  - {id: p1, api_key: inline, api_key_file: /nonexistent}\n")
        #expect(both == ["F:2:23: partner p1: 'api_key' and 'api_key_file' are both set; keep one"])
    }

    @Test func receiverValidationNeverEchoesSecrets() throws {
        let found = try errors("""
            partners: [{id: p1, api_key: k}]
            receivers:
              - {name: bad-slack, type: slack, url: "not a url SECRETPART"}
              - {name: mail, type: email, smtp_url: "http://smtp.example.com"}
              - {name: hook, type: webhook, url: "ftp://x/SECRETPART"}
            """)
        #expect(found.contains("F:3:41: receiver bad-slack: 'url' must be an https:// Slack incoming-webhook URL"))
        #expect(found.contains("F:4:41: receiver mail: 'smtp_url' must be smtp://host:port or smtps://host:port"))
        #expect(found.contains { $0.hasPrefix("F:4:5: missing required key 'from'") })
        #expect(found.contains { $0.hasPrefix("F:4:5: missing required key 'to'") })
        #expect(found.contains("F:5:38: receiver hook: 'url' must be an http:// or https:// URL"))
        #expect(!found.joined().contains("SECRETPART"))
    }

    @Test func duplicatesAndBadYAML() throws {
        let duplicate = try errors("partners:\n  - {id: p1, api_key: a}\n  - {id: p1, api_key: b}\n")
        #expect(duplicate == ["F:3:5: duplicate partner id 'p1' (first defined at line 2)"])
        let broken = try errors("partners:\n  - id: p1\n   api_key: [\n")
        #expect(broken.count == 1)
        #expect(broken[0].hasPrefix("F:3:"))
        let empty = try errors("")
        #expect(empty == ["F: the file is empty; it needs at least 'partners'"])
    }

    @Test func configPathResolutionOrder() {
        #expect(ConfigLoader.resolvePath("a.yml", environment: ["CHANNELWATCH_CONFIG": "b.yml"]) == "a.yml")
        #expect(ConfigLoader.resolvePath(nil, environment: ["CHANNELWATCH_CONFIG": "b.yml"]) == "b.yml")
        #expect(ConfigLoader.resolvePath(nil, environment: [:]) == "channelwatch.yml")
    }

    // ConfigFuzz found it: a value expanded from a variable that holds a secret, in a key that is
    // not a secret, was quoted expanded in the diagnostic.
    @Test func aDiagnosticShowsVariableReferencesUnexpanded() throws {
        let found = try errors("""
            partners:
              - {id: p1, api_key: "${D360_API_KEY}", first_poll: "no${D360_API_KEY}"}
            receivers:
              - {name: hook, type: webhook, url: "https://x.example/${WEBHOOK_SECRET}", secret: x, timeout_: 1}
            """)
        #expect(!found.isEmpty)
        #expect(found.contains { $0.contains("'first_poll' must be notify or baseline, found 'no${D360_API_KEY}'") }, "\(found)")
        for secret in ["key-SECRET-123", "whsec-SECRET"] {
            #expect(!found.joined().contains(secret), "\(found)")
        }
        let parsed = Result { () throws(Diagnostics) in
            try ConfigLoader(environment: Self.environment).parse("partners: [{id: p1, api_key: k, first_poll: '${D360_API_KEY}'}]", file: "t.yml")
        }
        guard case .failure(let diagnostics) = parsed else { Issue.record("expected a refusal"); return }
        #expect(!diagnostics.description.contains("key-SECRET-123"))
    }
}
