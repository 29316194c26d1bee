import Foundation
import Testing
import TestSupport

/// `channelwatch bench` end to end at tiny sizes: every figure is reported, with its
/// target where there is one. Behaviour only: timings are the benchmark's business, not the tests'.
@Suite struct BenchCommandTests {
    /// Every figure the full benchmark reports, and whether it carries a target.
    static let expectedFigures: [String: Bool] = [
        "poll_wall_seconds": false, "poll_bound_ratio": true,
        "poll_naive_wall_seconds": false, "poll_naive_bound_ratio": false,
        "idle_rss_mb": true, "run_peak_rss_mb": true,
        "first_poll_wall_seconds": true, "steady_poll_wall_seconds": false, "steady_poll_cpu_seconds": true,
        "peak_rss_mb": false, "steady_poll_to_receipt_ms": false,
        "rules_evaluation_seconds": false,
        "latency_p50_ms": false, "latency_p99_ms": true,
        "mass_change_commit_seconds": true, "mass_change_last_webhook_seconds": true,
        "mass_change_silenced_commit_seconds": false, "mass_change_release_commit_seconds": false,
        "deliveries_per_second": true,
        "templates_compiled_ms": false, "templates_mustache_ms": false,
        "inbound_accepted_per_second": true, "inbound_answer_p99_ms": true,
        "inbound_to_notification_p50_ms": false, "inbound_to_notification_p99_ms": true,
    ].merging(scaleFigures) { $1 }.merging(consoleFigures) { $1 }

    /// The console step's figures: each page's server time, against 100 ms.
    static let consoleFigures: [String: Bool] = Dictionary(uniqueKeysWithValues: [
        "overview", "alerts", "alerts_filtered", "alerts_search", "alerts_number", "alert", "events", "deliveries_dead",
        "silences", "webhooks", "api_alerts", "api_partners",
    ].map { ("console_\($0)_p95_ms", true) })

    /// The scale step's figures at the quick sizes (1,000 and 10,000 channels).
    static let scaleFigures: [String: Bool] = {
        var figures: [String: Bool] = [:]
        for size in ["1k", "10k"] {
            for poll in ["first", "steady"] {
                figures["scale_\(size)_\(poll)_bound_ratio"] = true
                figures["scale_\(size)_\(poll)_peak_rss_mb"] = true
                figures["scale_\(size)_\(poll)_cpu_seconds"] = poll == "steady"
                if size == "10k" { figures["scale_\(size)_\(poll)_cost_ratio"] = true }
            }
        }
        return figures
    }()

    /// The side-by-side figures, reported when an Alertmanager binary is installed.
    static let peerFigures: [String: Bool] = [
        "peer_alertmanager_per_second": false, "peer_channelwatch_per_second": false, "peer_ratio": true,
    ]

    /// Whether `bench` will find an Alertmanager to compare with (as it looks for one).
    static var alertmanagerInstalled: Bool {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin"
        return path.split(separator: ":").contains { directory in
            ["prometheus-alertmanager", "alertmanager"].contains { FileManager.default.isExecutableFile(atPath: "\(directory)/\($0)") }
        }
    }

    @Test func aQuickRunReportsEveryFigureAsJSON() async throws {
        try await TestDatabase.with { database in
            let result = try await ChannelWatchBinary.run(
                ["bench", "--quick", "--json", "--channels", "500", "--deliveries", "150", "--latency-rounds", "8", "--runs", "2"],
                environment: ["DATABASE_URL": database.connectionString], in: ChannelWatchBinary.repositoryRoot,
                timeout: .seconds(300))
            #expect(result.succeeded, "\(result.standardError)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any],
                                      "stdout is not one JSON object: \(result.standardOutput)")
            #expect(report["channels"] as? Int == 500)
            #expect(report["quick"] as? Bool == true)
            #expect(report["deliveries"] as? Int == 150)
            let machine = try #require(report["machine"] as? [String: Any], "the report says how busy the machine was")
            #expect((machine["loadAverage"] as? [Double])?.count == 3)
            #expect((machine["stealPercent"] as? Double).map { $0 >= 0 && $0 <= 100 } == true)
            #expect((machine["cpus"] as? Int ?? 0) >= 1)
            let figures = try #require(report["figures"] as? [[String: Any]])
            let byKey = Dictionary(figures.map { ($0["key"] as? String ?? "", $0) }, uniquingKeysWith: { first, _ in first })
            let expected = Self.alertmanagerInstalled ? Self.expectedFigures.merging(Self.peerFigures) { $1 } : Self.expectedFigures
            #expect(Set(byKey.keys) == Set(expected.keys))
            if !Self.alertmanagerInstalled {
                #expect(result.standardError.contains("peer-alertmanager: skipped: no Alertmanager binary"), "\(result.standardError)")
            }
            for (key, hasTarget) in expected {
                let figure = try #require(byKey[key], "missing figure \(key)")
                let value = try #require(figure["value"] as? Double, "\(key) has no numeric value")
                #expect(value.isFinite && value >= 0, "\(key) = \(value)")
                #expect((figure["target"] != nil) == hasTarget, "\(key): target presence")
                #expect((figure["met"] != nil) == hasTarget, "\(key): verdict presence")
                #expect(!(figure["label"] as? String ?? "").isEmpty)
                // Two runs: the value is their median (here their mean), within their range.
                let samples = try #require(figure["samples"] as? [Double], "\(key) has no samples")
                #expect(samples.count == 2, "\(key): \(samples)")
                let low = figure["minimum"] as? Double ?? .nan, high = figure["maximum"] as? Double ?? .nan
                #expect(low <= value && value <= high && abs(value - (samples[0] + samples[1]) / 2) < 1e-9, "\(key): \(figure)")
            }
            #expect(report["runs"] as? Int == 2)
            // Real work happened: polls took time, the worker had memory, deliveries went out.
            #expect((byKey["poll_wall_seconds"]?["value"] as? Double ?? 0) > 0)
            #expect((byKey["idle_rss_mb"]?["value"] as? Double ?? 0) > 1)
            #expect((byKey["deliveries_per_second"]?["value"] as? Double ?? 0) > 0)
            #expect(result.standardError.contains("bench: measuring deliveries"))
        }
    }

    @Test func onlyRunsTheNamedStepsAndPrintsATable() async throws {
        let result = try await ChannelWatchBinary.run(["bench", "--only", "rules", "--channels", "300"],
                                                      in: ChannelWatchBinary.repositoryRoot)
        #expect(result.succeeded, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("channelwatch bench: 300 channels") == true)
        #expect(lines.contains { $0.hasPrefix("machine: load average ") && $0.contains("CPU steal") })
        #expect(lines.contains { $0.hasPrefix("shipped rules over 300 (previous, current) pairs") })
        #expect(!lines.contains { $0.hasPrefix("poll ") })
    }

    @Test func anUnknownStepIsRefusedWithTheListOfSteps() async throws {
        let result = try await ChannelWatchBinary.run(["bench", "--only", "pol"], in: ChannelWatchBinary.repositoryRoot)
        #expect(result.exitCode != 0)
        #expect(result.standardError.contains("unknown step 'pol'"))
        #expect(result.standardError.contains("poll, poll-naive, idle-rss, run-rss, record, rules, latency, mass-change, deliveries"))
    }

    @Test func theThroughputStepsDeliverToAnExternalSinkWhenGivenOne() async throws {
        let sink = try HTTPSink(actions: [], otherwise: { _ in .ok })
        try await TestDatabase.with { database in
            let result = try await ChannelWatchBinary.run(
                ["bench", "--quick", "--json", "--only", "deliveries", "peer-alertmanager", "--deliveries", "120",
                 "--sink-url", sink.url("/external")],
                environment: ["DATABASE_URL": database.connectionString], in: ChannelWatchBinary.repositoryRoot,
                timeout: .seconds(300))
            #expect(result.succeeded, "\(result.standardError)")
            // ChannelWatch's 120 of each step at the external sink, every one recorded as delivered
            // before the bench ended (Alertmanager's are counted by Alertmanager itself). Without an
            // Alertmanager binary the peer step is skipped, and only the deliveries step's 120 arrive.
            let expected = Self.alertmanagerInstalled ? 240 : 120
            let ours = sink.requests.filter { $0.header("X-ChannelWatch-Delivery") != nil }
            #expect(ours.count == expected)
            #expect(Set(ours.compactMap { $0.header("X-ChannelWatch-Delivery") }).count == expected)
            #expect(sink.requests.allSatisfy { $0.path == "/external" })
            #expect((sink.requests.count > 240) == Self.alertmanagerInstalled, "Alertmanager's notifications arrive too")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
            let keys = Set((report["figures"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String })
            #expect(keys.contains("deliveries_per_second"))
            #expect(keys.contains("peer_ratio") == Self.alertmanagerInstalled)
        }
    }

    @Test func aSinkURLThatIsNotHTTPIsRefused() async throws {
        let result = try await ChannelWatchBinary.run(["bench", "--sink-url", "ftp://x/y"], in: ChannelWatchBinary.repositoryRoot)
        #expect(result.exitCode != 0)
        #expect(result.standardError.contains("--sink-url must be an http:// or https:// URL with a host, found 'ftp://x/y'"))
    }
}
