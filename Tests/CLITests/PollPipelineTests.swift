import Crypto
import Foundation
import Testing
import TestSupport

/// `channelwatch poll`, `deliver`, `events`, `alerts` and `deliveries` as real processes against
/// the simulator, a real PostgreSQL and a webhook sink.
@Suite struct PollPipelineTests {
    @Test func pollRecordsThenDeliversSignedWebhooksAndKeepsSecretsOut() async throws {
        let world = try await PipelineWorld.make()
        defer { Task { await world.tearDown() } }
        var outputs: [String] = []

        let first = try await world.run(["poll"])
        outputs.append(first.standardOutput + first.standardError)
        #expect(first.succeeded, "\(first.standardError)")
        #expect(first.standardOutput.contains("partner demo-partner: complete; 3 pages, 23 channels"))
        #expect(world.sink.requests.isEmpty, "the first look fires nothing: no condition held yet")

        let second = try await world.run(["poll", "--json"])
        outputs.append(second.standardOutput + second.standardError)
        #expect(second.succeeded, "\(second.standardError)")
        #expect(Set(world.deliveredRules) == ["quality_low", "quality_degraded", "messaging_limit_down"])
        for request in world.sink.requests {
            let delivery = try #require(request.header("X-ChannelWatch-Delivery"))
            let signature = try #require(request.header("X-ChannelWatch-Signature"))
            let parts = Dictionary(uniqueKeysWithValues: signature.split(separator: ",").map {
                let pair = $0.split(separator: "=", maxSplits: 1)
                return (String(pair[0]), String(pair[1]))
            })
            let mac = HMAC<SHA256>.authenticationCode(for: Data("\(parts["t"]!).".utf8) + request.body,
                                                      using: SymmetricKey(data: Data(PipelineWorld.signingSecret.utf8)))
            #expect(parts["v1"] == mac.map { String(format: "%02x", $0) }.joined())
            let payload = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
            #expect(payload["delivery_id"] as? String == delivery)
            #expect(request.path == PipelineWorld.secretPath)
        }

        let events = try await world.run(["events", "--json"])
        let alerts = try await world.run(["alerts"])
        let deliveries = try await world.run(["deliveries", "--status", "delivered", "--json"])
        outputs += [events, alerts, deliveries].map { $0.standardOutput + $0.standardError }
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(events.standardOutput.utf8)) as? [[String: Any]])
        #expect(listed.count == 3)
        #expect(alerts.standardOutput.contains("quality_low") && alerts.standardOutput.contains("+4930111111"))
        let delivered = try #require(try JSONSerialization.jsonObject(with: Data(deliveries.standardOutput.utf8)) as? [[String: Any]])
        #expect(delivered.count == 3)
        #expect(delivered.allSatisfy { $0["status"] as? String == "delivered" && $0["kind"] as? String == "notification" })

        // A status filter is one of the stored values; anything else is refused with the list.
        let firing = try await world.run(["events", "--status", "firing", "--json"])
        let firingEvents = try #require(try JSONSerialization.jsonObject(with: Data(firing.standardOutput.utf8)) as? [[String: Any]])
        #expect(!firingEvents.isEmpty && firingEvents.allSatisfy { $0["status"] as? String == "firing" })
        for (command, values) in [(["events"], "'firing', 'resolved'"), (["alerts"], "'firing', 'resolved'"),
                                  (["deliveries"], "'pending', 'delivered'")] {
            let refused = try await world.run(command + ["--status", "fired"])
            #expect(refused.exitCode == 64, "\(command): \(refused.standardError)")
            #expect(refused.standardError.contains("'fired'") && refused.standardError.contains(values),
                    "\(command): \(refused.standardError)")
        }

        // Secrets: not in any output, nor anywhere in the database.
        let dump = try await ProcessRunner.run("/usr/bin/pg_dump", ["--data-only", world.database.connectionString])
        #expect(dump.succeeded, "\(dump.standardError)")
        #expect(dump.standardOutput.contains("quality_low"), "the dump has the data")
        for secret in [PipelineWorld.apiKey, PipelineWorld.signingSecret, "SECRETPATHxyz", "B0BBBB"] {
            #expect(!dump.standardOutput.contains(secret), "\(secret) is in the database")
            #expect(!outputs.joined().contains(secret), "\(secret) is in a command's output")
        }
    }

    @Test func dryRunPrintsEventsButWritesAndSendsNothing() async throws {
        let world = try await PipelineWorld.make()
        defer { Task { await world.tearDown() } }
        #expect(try await world.run(["poll"]).succeeded)
        let before = try await world.count("SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM polls)")

        let dry = try await world.run(["poll", "--dry-run"])
        #expect(dry.succeeded, "\(dry.standardError)")
        #expect(dry.standardOutput.contains("firing quality_low +4930111111"))
        #expect(dry.standardOutput.contains("dry run: nothing written"))
        #expect(try await world.count("SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM polls)") == before)
        #expect(world.sink.requests.isEmpty)

        // The snapshot did not advance, so the real poll still sees Berlin's drop (and the next step too).
        let real = try await world.run(["poll"])
        #expect(real.succeeded)
        #expect(world.deliveredRules.contains("quality_low"))
    }

    @Test func aPollKilledWhileDeliveringLosesNothingAndResendsOnlyTheUnrecordedOne() async throws {
        // The first webhook request hangs; every later one is accepted.
        let world = try await PipelineWorld.make(firstRequests: [.hang])
        defer { Task { await world.tearDown() } }
        #expect(try await world.run(["poll"]).succeeded)

        // Short leases, so the test need not wait the default two minutes for the crashed claim to expire.
        let lease = ["CHANNELWATCH_DELIVERY_LEASE": "1s"]
        let killed = try await world.run(["poll"], extraEnvironment: lease, timeout: .seconds(10))
        #expect(killed.timedOut, "the process was killed while a delivery hung")
        #expect(try await world.count("SELECT count(*) FROM events") == 3, "the poll's transaction had committed")
        #expect(try await world.count("SELECT count(*) FROM deliveries WHERE status = 'pending'") == 1)
        let hungDelivery = try #require(world.sink.requests.first?.header("X-ChannelWatch-Delivery"))

        // After the crashed worker's lease runs out, a new process delivers the rest.
        try await Task.sleep(for: .seconds(1.5))
        let restarted = try await world.run(["deliver"], extraEnvironment: lease)
        #expect(restarted.succeeded, "\(restarted.standardError)")
        #expect(restarted.standardOutput.contains("1 delivered"))
        #expect(try await world.count("SELECT count(*) FROM deliveries WHERE status = 'delivered'") == 3)
        let ids = world.sink.requests.compactMap { $0.header("X-ChannelWatch-Delivery") }
        #expect(ids.filter { $0 == hungDelivery }.count == 2, "only the unrecorded delivery is sent again, with the same id")
        #expect(Set(ids).count == 3 && ids.count == 4)
    }
}
