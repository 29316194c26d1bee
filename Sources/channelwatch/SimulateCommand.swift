import ArgumentParser
import Foundation
import PartnerAPI
import UnixSignals
import YAMLSupport

/// `channelwatch simulate`: serves a simulated Partner API from a scenario file until SIGINT/SIGTERM.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Serve a simulated 360dialog Partner API from a scenario file.",
        discussion: """
            Serves GET /api/v2/partners/{id}/channels on 127.0.0.1 as the Partner API does, with the \
            scenario's channels, timeline and faults. POST /_sim/advance applies the next timeline \
            step; GET /_sim/state shows where the timeline is and what was served. See scenarios/.
            """
    )

    @Option(name: .long, help: "The scenario file (YAML), e.g. scenarios/demo.yml.")
    var scenario: String

    @Option(name: .long, help: "TCP port on 127.0.0.1 (0 picks a free one).")
    var port: UInt16 = 8360

    @Flag(name: .long, help: "Log every request to stdout.")
    var logRequests = false

    func run() async throws {
        let loaded: Scenario
        do {
            loaded = try ScenarioLoader.load(path: scenario)
        } catch let diagnostics as Diagnostics {
            throw ValidationError("scenario has errors:\n\(diagnostics)")
        }
        let simulator = PartnerAPISimulator(scenario: loaded, port: port, logRequests: logRequests)
        try await simulator.start()
        let baseURL = await simulator.baseURL ?? "http://127.0.0.1:\(port)"
        say("Simulated Partner API at \(baseURL)")
        for partner in loaded.partners {
            say("  partner \(partner.id): \(partner.channels.count) channels, \(partner.faults.count) fault rules"
                  + " — GET \(baseURL)/api/v2/partners/\(partner.id)/channels (X-API-Key from the scenario)")
        }
        say("Timeline: \(loaded.timeline.steps.count) steps, advancing \(loaded.timeline.advance == .manual ? "on POST \(baseURL)/_sim/advance" : "after each complete pass of every partner")")
        say("State: GET \(baseURL)/_sim/state. Stop with Ctrl-C.")
        var signals = await UnixSignalsSequence(trapping: .sigint, .sigterm).makeAsyncIterator()
        let signal = await signals.next()
        say("Received \(signal?.description ?? "a stop request"), stopping.")
        await simulator.stop()
    }
}

/// Writes a line to stdout at once (unbuffered), so scripts waiting for the URL see it.
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
