import FlyingFox
import FlyingSocks
import Foundation
import JSON
import Logging

/// A simulated 360dialog Partner API on loopback, serving a ``Scenario``.
///
/// Serves `GET /api/v2/partners/{id}/channels` as the reference describes (limit, offset,
/// sort, equality filters, echo fields, `total`/`count`, `X-API-Key`, documented error bodies),
/// plus `GET /_sim/state` and `POST /_sim/advance`. Used by tests, `simulate`, `demo` and the
/// benchmarks.
public actor PartnerAPISimulator {
    private let state: SimulatorState
    private let scenario: Scenario
    private let requestedPort: UInt16
    private let logRequests: Bool
    private var server: HTTPServer?
    private var serverTask: Task<Void, any Error>?
    private var webhookTask: Task<Void, Never>?
    /// The port actually bound (useful with port 0), once started.
    public private(set) var port: UInt16?

    /// Prepares a simulator; nothing listens until ``start()``.
    ///
    /// - Parameters:
    ///   - port: TCP port on 127.0.0.1; 0 picks a free one (read ``port`` after starting).
    ///   - logRequests: print FlyingFox's request log to stdout (for `simulate`).
    public init(scenario: Scenario, port: UInt16 = 0, logRequests: Bool = false) {
        self.scenario = scenario
        self.state = SimulatorState(scenario: scenario)
        self.requestedPort = port
        self.logRequests = logRequests
    }

    /// The partner ids served, in scenario order.
    public nonisolated var partnerIDs: [String] { scenario.partners.map(\.id) }

    /// `http://127.0.0.1:PORT` once started.
    public var baseURL: String? { port.map { "http://127.0.0.1:\($0)" } }

    /// Binds to 127.0.0.1 and serves in the background until ``stop()``.
    public func start() async throws {
        guard server == nil else { return }
        // A long handler timeout: `hang` faults must outlast the client's request timeout.
        let handler = SimulatorHTTPHandler(state: state)
        let server = logRequests
            ? try HTTPServer.loopback(port: requestedPort, timeout: 3600, logger: HTTPServer.defaultLogger(), handler: handler)
            : try HTTPServer.loopback(port: requestedPort, timeout: 3600, handler: handler)
        self.server = server
        serverTask = Task { try await server.run() }
        let (webhooks, queue) = AsyncStream.makeStream(of: SimulatorState.PendingWebhook.self)
        await state.sendWebhooks(to: queue)
        let sender = SimulatorWebhookSender(webhooks: webhooks, logger: Logger(label: "channelwatch.simulator"))
        webhookTask = Task { await sender.run() }
        do {
            try await server.waitUntilListening(timeout: 10)
        } catch {
            serverTask?.cancel()
            self.server = nil
            throw SimulatorError(message: "simulator: cannot listen on 127.0.0.1:\(requestedPort): \(error.localizedDescription) (is the port in use?)")
        }
        port = await server.loopbackPort
    }

    /// Waits until the server stops (after ``stop()``) or fails.
    public func waitUntilStopped() async throws {
        try await serverTask?.value
    }

    /// Stops listening and closes open connections.
    public func stop() async {
        await state.sendWebhooks(to: nil)
        webhookTask?.cancel()
        webhookTask = nil
        await server?.stop(timeout: 0)
        serverTask?.cancel()
        server = nil
        serverTask = nil
    }

    // MARK: Inspection and control

    /// Statistics for one partner (`nil` for an unknown partner).
    public func stats(partnerID: String) async -> SimulatorStats? { await state.stats(partnerID: partnerID) }

    /// Zeroes every partner's statistics and the request log.
    public func resetStats() async { await state.resetStats() }

    /// Replaces a partner's faults (and their counters).
    public func setFaults(_ faults: [FaultRule], partnerID: String) async { await state.setFaults(faults, partnerID: partnerID) }

    /// Starts (or, with nil, stops) posting a partner webhook for each of the partner's changes.
    public func setWebhook(_ webhook: ScenarioWebhook?, partnerID: String) async { await state.setWebhook(webhook, partnerID: partnerID) }

    /// Applies the next timeline step now; `false` when there is none left.
    @discardableResult
    public func advance() async -> Bool { await state.applyNextStep() }

    /// Applies a step outside the timeline (tests that change channels between polls).
    public func apply(_ step: TimelineStep) async { await state.apply(step) }

    /// The last channel-list requests received (at most 1000), oldest first.
    public func recordedRequests() async -> [RecordedRequest] { await state.recordedRequests() }

    /// How many channels a partner has now.
    public func channelCount(partnerID: String) async -> Int? { await state.channelCount(partnerID: partnerID) }

    /// Timeline steps applied so far.
    public func stepsApplied() async -> Int { await state.stepsApplied }
}

/// The simulator could not start.
public struct SimulatorError: Error, CustomStringConvertible {
    /// What failed and what to do.
    public var message: String
    /// The message.
    public var description: String { message }
}
