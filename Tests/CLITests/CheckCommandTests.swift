import Foundation
import Testing
import TestSupport

/// `channelwatch check`, run as a real process.
@Suite struct CheckCommandTests {
    func write(_ text: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cw-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try text.write(to: directory.appendingPathComponent("channelwatch.yml"), atomically: true, encoding: .utf8)
        return directory
    }

    @Test func printsTheEffectiveConfigurationWithSecretsRedacted() async throws {
        let rules = ChannelWatchBinary.repositoryRoot.appendingPathComponent("Rules").path
        let directory = try write("""
            partners:
              - {id: p1, api_key: "${KEY}"}
            rules: [\(rules)]
            receivers:
              - {name: ops, type: slack, url: "https://hooks.slack.com/services/T0/B0/XSECRETX"}
              - {name: hook, type: webhook, url: "https://example.com/hook?token=TSECRET", secret: WSECRET}
            routes: [{receivers: [ops, hook]}]
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await ChannelWatchBinary.run(["check"], environment: ["KEY": "KSECRET"], in: directory)
        #expect(result.succeeded, "\(result.standardError)")
        #expect(result.standardOutput.contains("api_key: <redacted>"))
        #expect(result.standardError.contains("rules OK"))
        for secret in ["KSECRET", "XSECRET", "TSECRET", "WSECRET"] {
            #expect(!(result.standardOutput + result.standardError).contains(secret))
        }
    }

    @Test func warnsAboutAnOpenConsoleAndRedactsHTTPAuth() async throws {
        let rules = ChannelWatchBinary.repositoryRoot.appendingPathComponent("Rules").path
        let open = try write("partners: [{id: p1, api_key: k}]\nrules: [\(rules)]\nlisten: \"0.0.0.0:9464\"\n")
        defer { try? FileManager.default.removeItem(at: open) }
        let warned = try await ChannelWatchBinary.run(["check"], in: open)
        #expect(warned.succeeded, "a warning, not an error: \(warned.standardError)")
        #expect(warned.standardError.contains("'listen: 0.0.0.0:9464' is not a loopback address and 'http_auth' is not set"),
                "\(warned.standardError)")

        let hash = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"
        let closed = try write("""
            partners: [{id: p1, api_key: k}]
            rules: [\(rules)]
            listen: "0.0.0.0:9464"
            http_auth:
              users: [{username: ana, password_hash: "\(hash)"}]
              bearer_tokens: [{name: prometheus, token: TOKENSECRET-0123456789}]
            """)
        defer { try? FileManager.default.removeItem(at: closed) }
        let quiet = try await ChannelWatchBinary.run(["check"], in: closed)
        #expect(quiet.succeeded && !quiet.standardError.contains("loopback"), "\(quiet.standardError)")
        let everything = quiet.standardOutput + quiet.standardError
        #expect(!everything.contains("R9h/cIPz") && !everything.contains("TOKENSECRET"), "\(quiet.standardOutput)")
        #expect(quiet.standardOutput.contains("username: ana"))
    }

    @Test func hashPasswordMakesAHashCheckAccepts() async throws {
        let binary = ChannelWatchBinary.url.path
        let made = try await ProcessRunner.run("/bin/sh", ["-c", "printf '%s' 'correct horse' | '\(binary)' hash-password --cost 10"],
                                               environment: ["PATH": "/usr/bin:/bin"], workingDirectory: FileManager.default.temporaryDirectory,
                                               timeout: .seconds(30))
        let hash = made.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(made.succeeded && hash.hasPrefix("$2b$10$") && hash.count == 60, "\(made.standardOutput) \(made.standardError)")
        #expect(!made.standardOutput.contains("correct horse"))
        let config = try write("partners: [{id: p1, api_key: k}]\nhttp_auth: {users: [{username: ana, password_hash: '\(hash)'}]}\n")
        defer { try? FileManager.default.removeItem(at: config) }
        let rules = ChannelWatchBinary.repositoryRoot.appendingPathComponent("Rules").path
        let checked = try await ChannelWatchBinary.run(["check", "--rules", rules], in: config)
        #expect(checked.succeeded, "check reads the hash it made: \(checked.standardError)")
        let empty = try await ProcessRunner.run("/bin/sh", ["-c", "'\(binary)' hash-password < /dev/null"], environment: ["PATH": "/usr/bin:/bin"],
                                                workingDirectory: FileManager.default.temporaryDirectory, timeout: .seconds(30))
        #expect(!empty.succeeded && empty.standardError.contains("no password on standard input"))
        let badCost = try await ChannelWatchBinary.run(["hash-password", "--cost", "40"])
        #expect(!badCost.succeeded && badCost.standardError.contains("--cost must be from 10 to 16"))
    }

    @Test func warnsAboutAnInhibitRuleNamingNoLoadedRule() async throws {
        let rules = ChannelWatchBinary.repositoryRoot.appendingPathComponent("Rules").path
        let directory = try write("""
            partners:
              - {id: p1, api_key: k}
            rules: [\(rules)]
            receivers: [{name: c, type: console}]
            routes: [{receivers: [c]}]
            inhibit_rules:
              - {source_match: {rule: waba_baned}, target_match: {rule: "=~ quality_.*"}, equal: [waba_id]}
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await ChannelWatchBinary.run(["check"], in: directory)
        #expect(result.succeeded, "\(result.standardError)")
        #expect(result.standardError.contains(
            "inhibit rule 1: source_match names rule 'waba_baned', which no loaded rule has (did you mean 'waba_banned'?); it never applies"),
                "\(result.standardError)")
        #expect(result.standardOutput.contains("inhibit_rules:"))
    }

    @Test func reportsEveryProblemWithFileLineColumnAndExitsOne() async throws {
        let directory = try write("""
            partners:
              - {id: p1, api_key: k, concurency: 2}
            routes: [{receivers: [nobody]}]
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await ChannelWatchBinary.run(["check", "--config", "channelwatch.yml"], in: directory)
        #expect(result.exitCode == 1)
        #expect(result.standardError.contains("channelwatch.yml:2:26: unknown key 'concurency' (did you mean 'concurrency'?)"))
        #expect(result.standardError.contains("channelwatch.yml:3:23: route: unknown receiver 'nobody'"))
        #expect(result.standardOutput.isEmpty)
    }

    @Test func brokenRuleFilesAreReportedToo() async throws {
        let directory = try write("partners: [{id: p1, api_key: k}]\nrules: [rules]\n")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try "rules:\n  - name: x\n    summary: s\n    severty: critical\n    alert: {field: status, equals: error}\n"
            .write(to: directory.appendingPathComponent("rules/a.yml"), atomically: true, encoding: .utf8)
        let result = try await ChannelWatchBinary.run(["check"], in: directory)
        #expect(result.exitCode == 1)
        #expect(result.standardError.contains("a.yml:4:5: unknown key 'severty' (did you mean 'severity'?)"), "\(result.standardError)")
    }
}
