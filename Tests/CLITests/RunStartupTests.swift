import Foundation
import Testing
import TestSupport

/// `channelwatch run` before it runs: signals while it waits for its database, and a listen
/// address it cannot bind.
@Suite struct RunStartupTests {
    @Test func signalsWhileWaitingForTheDatabaseAtStartReloadOrExitZero() async throws {
        let scenario = RunWorld.smallScenario(partner: "early-partner", steps: "    []")
        try await RunWorld.with(scenario: scenario) { world in
            let closed = try ClosedPort()
            defer { closed.close() }
            let worker = try world.startWorker(extraEnvironment: [
                "CW_TEST_DATABASE": "postgresql://postgres@127.0.0.1:\(closed.port)/nowhere?connect_timeout=2",
            ])
            try await world.eventually("the worker to wait for its database", workers: [worker]) {
                worker.output.contains("database unreachable at start")
            }
            // SIGHUP meanwhile reloads rather than killing the waiting worker.
            worker.process.send(SIGHUP)
            try await world.eventually("the reload", workers: [worker]) {
                worker.output.contains("configuration and rules reloaded")
            }
            #expect(worker.process.isRunning)
            let stopped = await worker.terminate()
            #expect(stopped.status == 0, "exit status \(String(describing: stopped.status))\n\(worker.output.suffix(3000))")
            #expect(stopped.took < .seconds(10))
            #expect(worker.output.contains("stopped during start-up"), "\(worker.output.suffix(3000))")
            #expect(world.simulator.partnerIDs == ["early-partner"])
            #expect(await world.simulator.stats(partnerID: "early-partner")?.requests == 0, "nothing was polled")
        }
    }

    @Test func aListenAddressInUseIsAOneLineErrorAndExitsNonZero() async throws {
        let scenario = RunWorld.smallScenario(partner: "busy-port-partner", steps: "    []")
        try await RunWorld.with(scenario: scenario) { world in
            // The sink already listens on its port.
            let worker = try world.startWorker(extraEnvironment: ["CW_TEST_LISTEN_PORT": "\(world.sink.port)"])
            let status = await worker.process.waitForExit(timeout: .seconds(20))
            #expect(status != nil && status != 0, "\(worker.output.suffix(3000))")
            let lines = worker.process.standardError.split(separator: "\n")
            let address = "health server on 127.0.0.1:\(world.sink.port)"
            #expect(lines.contains { $0.hasPrefix("Error: \(address)") && $0.contains("change `listen`") },
                    "a one-line error says what failed and what to do: \(worker.output.suffix(3000))")
            #expect(lines.contains { $0.contains(" error worker stopping: \(address)") }, "and the log says so too")
        }
    }
}
