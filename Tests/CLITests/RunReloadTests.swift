import Foundation
import Testing
import TestSupport

/// SIGHUP to `channelwatch run`: a broken rule file is refused with file:line:col,
/// the old rules stay in force and `/readyz` stays 200; a valid change is picked up by the
/// next SIGHUP.
@Suite struct RunReloadTests {
    static let qualityRule = """
        rules:
          - name: quality_low
            summary: "Quality of {{channel.id}} is {{to}}"
            severity: critical
            alert: {field: current_quality_rating, in: [Low]}

        """
    static let brokenRule = """
        rules:
          - name: quality_low
            summary: "Quality of {{channel.id}} is {{to}}"
            severty: critical
            alert: {field: current_quality_rating, in: [Low]}

        """
    static let availabilityRule = """
          - name: number_unavailable
            summary: "{{channel.id}} is {{to}}"
            severity: warning
            alert: {field: availability_status, equals: error}

        """

    @Test func aBrokenRuleFileIsRefusedAndAValidOneIsPickedUp() async throws {
        let rulesDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("cw-reload-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: rulesDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: rulesDirectory) }
        let ruleFile = rulesDirectory.appendingPathComponent("quality.yml")
        try Self.qualityRule.write(to: ruleFile, atomically: true, encoding: .utf8)
        let scenario = RunWorld.smallScenario(partner: "reload-partner", steps: """
                - {name: c1 drops to Low, changes: [{channel: c1, set: {current_quality_rating: Low}}]}
                - {name: c3 errors, changes: [{channel: c3, set: {availability_status: error}}]}
            """)
        try await RunWorld.with(scenario: scenario, rules: [rulesDirectory.path]) { world in
            let worker = try world.startWorker()
            try await world.eventually("the first poll and readiness", workers: [worker]) {
                let polls = try await world.count("SELECT count(*) FROM polls")
                return polls >= 1 ? await worker.get("/readyz")?.status == 200 : false
            }

            try Self.brokenRule.write(to: ruleFile, atomically: true, encoding: .utf8)
            worker.process.send(SIGHUP)
            try await world.eventually("the reload to be refused", workers: [worker]) {
                worker.output.contains("previous configuration and rules stay in force")
            }
            let refusal = worker.output.split(separator: "\n").filter { $0.contains("reload refused") }
            #expect(refusal.contains { $0.contains("quality.yml:4:5") && $0.contains("severty") },
                    "the log names file:line:col of the problem: \(refusal)")
            #expect(await worker.get("/readyz")?.status == 200)
            #expect(worker.process.isRunning)

            // A broken configuration file is refused the same way.
            let config = try String(contentsOf: world.configFile, encoding: .utf8)
            try (config + "\npoll_interval: 5s\n").write(to: world.configFile, atomically: true, encoding: .utf8)
            worker.process.send(SIGHUP)
            try await world.eventually("the broken config to be refused", workers: [worker]) {
                worker.output.split(separator: "\n").contains { $0.contains("reload refused") && $0.contains("channelwatch.yml:") }
            }
            let configLine = config.split(separator: "\n", omittingEmptySubsequences: false).count + 1
            #expect(worker.output.contains("channelwatch.yml:\(configLine):1: unknown key 'poll_interval'"),
                    "\(worker.output.suffix(2000))")
            try config.write(to: world.configFile, atomically: true, encoding: .utf8)

            // The old rules still judge: c1's drop fires quality_low.
            await world.simulator.advance()
            try await world.eventually("quality_low under the old rules", workers: [worker]) {
                world.deliveredEvents.flatMap(\.events).contains(EventKey(rule: "quality_low", channel: "c1", status: "firing"))
            }

            try (Self.qualityRule + Self.availabilityRule).write(to: ruleFile, atomically: true, encoding: .utf8)
            worker.process.send(SIGHUP)
            try await world.eventually("the valid rules to be loaded", workers: [worker]) {
                worker.output.contains("configuration and rules reloaded")
            }
            await world.simulator.advance()
            try await world.eventually("number_unavailable under the new rules", workers: [worker]) {
                world.deliveredEvents.flatMap(\.events).contains(EventKey(rule: "number_unavailable", channel: "c3", status: "firing"))
            }
            #expect(await worker.get("/readyz")?.status == 200)
            let stopped = await worker.terminate()
            #expect(stopped.status == 0, "\(worker.output.suffix(3000))")

            // The re-evaluation after the rules changed did not fire quality_low a second time.
            let sent = world.deliveredEvents.flatMap(\.events)
            #expect(sent.filter { $0.rule == "quality_low" }.count == 1, "\(sent)")
            #expect(Set(sent) == Set(try await world.recordedEvents()))
        }
    }
}
