import Foundation
import JSON

/// The simulator's mutable world: channels, timeline position, fault counters and statistics.
/// An actor, so concurrent requests see one consistent listing each.
actor SimulatorState {
    struct Partner {
        var apiKey: String
        var channels: SimulatedChannels
        var maxPageSize: Int?
        var latency: Duration
        var faults: [FaultRule]
        var faultHits: [Int]
        var webhook: ScenarioWebhook?
        var stats = SimulatorStats()
    }

    /// A partner webhook a timeline change caused, waiting to be posted.
    struct PendingWebhook: Sendable {
        var webhook: ScenarioWebhook
        var body: Data
    }
    /// Where the webhooks timeline changes cause go, in order, while a ``SimulatorWebhookSender`` runs.
    private var webhookQueue: AsyncStream<PendingWebhook>.Continuation?

    private var partners: [String: Partner] = [:]
    private let partnerOrder: [String]
    private let timeline: Timeline
    /// Steps applied so far (0 = initial state).
    private(set) var stepsApplied = 0
    /// Partners that finished a pass since the last step; when all have, the next step is due.
    private var finishedPass: Set<String> = []
    private var advanceDue = false
    private var recorded: [RecordedRequest] = []
    private static let recordedLimit = 1000

    init(scenario: Scenario) {
        partnerOrder = scenario.partners.map(\.id)
        timeline = scenario.timeline
        for partner in scenario.partners {
            partners[partner.id] = Partner(
                apiKey: partner.apiKey, channels: SimulatedChannels(documents: partner.channels),
                maxPageSize: partner.maxPageSize, latency: partner.latency,
                faults: partner.faults, faultHits: Array(repeating: 0, count: partner.faults.count),
                webhook: partner.webhook)
        }
    }

    // MARK: Serving

    /// Decides the reply to one channel-list request and counts it as in flight; the caller
    /// must call ``finish(partnerID:)`` once the reply is sent (or dropped).
    func reply(partnerID: String, apiKey: String?, query items: [(name: String, value: String)]) -> SimulatedReply {
        guard var partner = partners[partnerID] else {
            return .apiError(404, "Partner \(partnerID) not found")
        }
        partner.stats.requests += 1
        partner.stats.inFlight += 1
        partner.stats.maxInFlight = max(partner.stats.maxInFlight, partner.stats.inFlight)
        let authorized = apiKey == partner.apiKey
        record(RecordedRequest(partnerID: partnerID, query: Dictionary(items.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }),
                               authorized: authorized))
        defer { partners[partnerID] = partner }
        guard authorized else {
            return .apiError(401, apiKey == nil ? "Missing X-API-Key header" : "Invalid API key")
        }
        let query: PageQuery
        switch PageQuery.parse(items, maxPageSize: partner.maxPageSize) {
        case .success(let parsed): query = parsed
        case .failure(let error): return .apiError(400, error.message)
        }
        if query.offset == 0, advanceDue, timeline.advance == .afterPass {
            // The partner map is written back by the defer; apply the step to the local copy too.
            partners[partnerID] = partner
            applyNextStep()
            partner = partners[partnerID] ?? partner
        }

        let fault = takeFault(for: query, partner: &partner)
        var drift = 0
        var reply: SimulatedReply?
        switch fault?.failure {
        case .status(let status)?:
            reply = .apiError(status, "\(SimulatorHTTPHandler.phrase(for: status)) (simulated)")
        case .rateLimit(let seconds)?:
            reply = .apiError(429, "Too many requests (simulated)", headers: [("Retry-After", String(seconds))])
        case .hang(let duration)?:
            reply = SimulatedReply(status: 504, body: Data(), delivery: .hang(duration))
        case .dropConnection?:
            reply = SimulatedReply(status: 500, body: Data(), delivery: .drop)
        case .totalDrift(let delta)?: drift = delta
        case .insertChannel?: partner.channels.insertAtFront()
        case .removeChannel?: partner.channels.removeFirst()
        case .malformedJSON?, .truncatedBody?, .shortPage?, nil: break
        }
        var latency = partner.latency + (fault?.latency ?? .zero)
        if var reply {
            partner.stats.faultsInjected += 1
            if case .hang = reply.delivery { latency = .zero }
            reply.latency = latency
            return reply
        }

        let listing = partner.channels.listing(query)
        var servedLimit = query.limit
        if case .shortPage(let count)? = fault?.failure { servedLimit = min(query.limit, count) }
        let page = PageBody.render(query: query, servedLimit: servedLimit, listing: listing, channels: partner.channels, totalDrift: drift)
        if query.offset + page.count >= listing.count {
            partner.stats.passes += 1
            notePassFinished(partnerID)
        }
        switch fault?.failure {
        case .malformedJSON?:
            partner.stats.faultsInjected += 1
            return SimulatedReply(status: 200, headers: [("Content-Type", "application/json")],
                                  body: page.body.prefix(page.body.count / 2) + Data("<!-- upstream error -->".utf8), latency: latency)
        case .truncatedBody?:
            partner.stats.faultsInjected += 1
            var reply = SimulatedReply.json(200, page.body)
            reply.latency = latency
            reply.delivery = .truncated
            return reply
        default:
            if fault != nil { partner.stats.faultsInjected += 1 }
            partner.stats.pagesServed += 1
            var reply = SimulatedReply.json(200, page.body)
            reply.latency = latency
            return reply
        }
    }

    /// Marks one request of `partnerID` as no longer in flight.
    func finish(partnerID: String) {
        partners[partnerID]?.stats.inFlight -= 1
    }

    private func takeFault(for query: PageQuery, partner: inout Partner) -> FaultRule? {
        for (index, rule) in partner.faults.enumerated() {
            let matches: Bool
            switch rule.match {
            case .any: matches = true
            case .page(let page): matches = query.offset / max(query.limit, 1) + 1 == page && query.offset % max(query.limit, 1) == 0
            case .offset(let offset): matches = query.offset == offset
            case .request(let number): matches = partner.stats.requests == number
            }
            guard matches else { continue }
            if let times = rule.times, partner.faultHits[index] >= times { continue }
            partner.faultHits[index] += 1
            return rule
        }
        return nil
    }

    private func record(_ request: RecordedRequest) {
        if recorded.count >= Self.recordedLimit { recorded.removeFirst(recorded.count / 2) }
        recorded.append(request)
    }

    // MARK: Timeline

    private func notePassFinished(_ partnerID: String) {
        guard stepsApplied < timeline.steps.count else { return }
        finishedPass.insert(partnerID)
        if finishedPass.count == partnerOrder.count { advanceDue = true }
    }

    /// Applies the next timeline step now; `false` when every step was already applied.
    @discardableResult
    func applyNextStep() -> Bool {
        advanceDue = false
        finishedPass.removeAll()
        guard stepsApplied < timeline.steps.count else { return false }
        apply(timeline.steps[stepsApplied])
        stepsApplied += 1
        return true
    }

    /// Applies an ad-hoc step (tests), without moving the timeline.
    func apply(_ step: TimelineStep) {
        for change in step.changes {
            guard let changed = partners[change.partnerID]?.channels.apply(change.action),
                  let webhook = partners[change.partnerID]?.webhook else { continue }
            for (kind, document) in changed {
                let event = JSONValue.object(["id": .string(UUID().uuidString.lowercased()), "event": .string(kind.event),
                                              "data": document])
                webhookQueue?.yield(PendingWebhook(webhook: webhook, body: event.compactJSON()))
            }
        }
    }


    // MARK: Inspection and control

    func stats(partnerID: String) -> SimulatorStats? { partners[partnerID]?.stats }

    func resetStats() {
        for id in partners.keys { partners[id]?.stats = SimulatorStats() }
        recorded.removeAll()
    }

    /// Hands the webhooks of later changes to `queue` (nil: drops them).
    func sendWebhooks(to queue: AsyncStream<PendingWebhook>.Continuation?) {
        webhookQueue?.finish()
        webhookQueue = queue
    }

    func setWebhook(_ webhook: ScenarioWebhook?, partnerID: String) {
        partners[partnerID]?.webhook = webhook
    }

    func setFaults(_ faults: [FaultRule], partnerID: String) {
        partners[partnerID]?.faults = faults
        partners[partnerID]?.faultHits = Array(repeating: 0, count: faults.count)
    }

    func recordedRequests() -> [RecordedRequest] { recorded }

    func channelCount(partnerID: String) -> Int? { partners[partnerID]?.channels.count }

    /// The `GET /_sim/state` document.
    func stateDocument() -> JSONValue {
        let partnerDocuments: [JSONValue] = partnerOrder.compactMap { id in
            guard let partner = partners[id] else { return nil }
            return .object([
                "id": .string(id),
                "channels": .number(Double(partner.channels.count)),
                "requests": .number(Double(partner.stats.requests)),
                "pages_served": .number(Double(partner.stats.pagesServed)),
                "faults_injected": .number(Double(partner.stats.faultsInjected)),
                "max_in_flight": .number(Double(partner.stats.maxInFlight)),
                "passes": .number(Double(partner.stats.passes)),
            ])
        }
        let current: JSONValue = stepsApplied > 0 ? .string(timeline.steps[stepsApplied - 1].name) : .null
        return .object([
            "steps_applied": .number(Double(stepsApplied)),
            "steps_total": .number(Double(timeline.steps.count)),
            "current_step": current,
            "advance": .string(timeline.advance.rawValue),
            "advance_due": .bool(advanceDue),
            "partners": .array(partnerDocuments),
        ])
    }
}
