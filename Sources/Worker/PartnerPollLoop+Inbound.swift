import Config
import Foundation
import Inbound
import JSON
import Logging
import Postgres
import Primitives
import Recording

extension PartnerPollLoop {
    /// What one pass over the partner's pending inbound events did.
    public enum InboundCycle: Sendable, Equatable {
        /// The partner has no `webhook:` block, or no pending event.
        case idle
        /// Another replica holds the partner's lock; it processes them.
        case lockedElsewhere
        /// The named channels were re-read and recorded (a targeted poll).
        case reread(channels: Int, pollID: Int64)
        /// Some event named nothing mappable (or too much): a full poll is wanted.
        case fullPollWanted
        /// The re-read failed; the events stay pending for the next try.
        case failed(String)
    }

    /// Re-reads the channels the partner's pending inbound events name, in one targeted poll
    /// under the partner's lock (so replicas process each event once), records them as a poll
    /// would, and marks the events processed in the same transaction.
    public func processInbound(stop: StopSignal = StopSignal()) async -> InboundCycle {
        let current = settings.settings
        guard let partner = current.partner(partnerID), partner.webhook != nil else { return .idle }
        switch await withPartnerLock({ connection -> InboundCycle in
            do {
                return try await rereadWhileLocked(partner, settings: current, connection: connection, stop: stop)
            } catch {
                return .failed("\(error)")
            }
        }) {
        case .ran(let result): return result
        case .lockedElsewhere: return .lockedElsewhere
        case .failed(let error): return .failed("\(error)")
        }
    }

    private func rereadWhileLocked(_ partner: PartnerConfig, settings current: WorkerSettings, connection: PostgresConnection,
                                   stop: StopSignal) async throws -> InboundCycle {
        let webhookRules = WebhookEventRecorder(recorder: current.recorder)
        let pending = try await InboundInbox.pending(partnerID: partnerID, withBodies: current.recorder.engine.hasWebhookRules,
                                                     on: connection)
        guard !pending.isEmpty else { return .idle }
        let events = pending.map(\.event)
        // Before the first complete poll there is nothing to compare with: that poll reads everything.
        if try await !hasCompletePoll(on: connection) {
            let outcomes = Dictionary(uniqueKeysWithValues: events.map {
                ($0.id, JSONValue.object(["full_poll": .bool(true), "reason": .string("no complete poll yet")]))
            })
            try await finishWithoutReread(pending, outcomes: outcomes, stored: [], rules: webhookRules, on: connection)
            return .fullPollWanted
        }
        let stored = try await InboundInbox.storedChannels(partnerID: partnerID, for: events, on: connection)
        let plan = InboundPlan.plan(events, stored: stored)
        let fullPollOutcomes = Dictionary(uniqueKeysWithValues: plan.fullPollEvents.map {
            ($0, JSONValue.object(["full_poll": .bool(true), "reason": .string("names no stored channel")]))
        })
        guard !plan.channelIDs.isEmpty else {
            try await finishWithoutReread(pending, outcomes: fullPollOutcomes, stored: stored, rules: webhookRules, on: connection)
            return .fullPollWanted
        }

        var targeted = partner
        targeted.filters["id"] = .array(plan.channelIDs.map(JSONValue.string))
        let stream = poller.stream(targeted, deadline: current.config.poll.timeout)
        let started = ContinuousClock.now
        let outcome = try await current.recorder.record(
            stream, firstPoll: partner.firstPoll, failingAfter: current.config.poll.failingAfter, on: connection,
            abandoned: { stop.isStopped }, scope: .channels(plan.channelIDs),
            beforeCommit: { connection, outcome in
                guard outcome.complete else { return }
                var outcomes = fullPollOutcomes
                for (id, channels) in plan.channelsByEvent {
                    outcomes[id] = .object(["channels": .array(channels.map(JSONValue.string)),
                                            "poll_id": .number(Double(outcome.pollID)), "targeted": .bool(true)])
                }
                try await InboundInbox.markProcessed(outcomes, on: connection)
                // Webhook rules see the snapshots this re-read just wrote.
                let processed = pending.filter { outcomes[$0.event.id] != nil }
                try await self.recordWebhookRules(processed, stored: stored, rules: webhookRules, on: connection)
                if let first = processed.map(\.receivedAt).min() {
                    try await InboundInbox.markDeliveriesCaused(receivedAt: first, on: connection)
                }
            })
        let observed = await stream.summary.value
        let duration = ContinuousClock.now - started
        metrics.recordInboundReread(partner: partnerID, complete: outcome.complete)
        metrics.recordSuppression(outcome.suppression)
        var metadata: Logger.Metadata = [
            "partner": "\(partnerID)", "inbound_events": "\(events.count)", "channels": "\(plan.channelIDs.count)",
            "changed": "\(outcome.changedChannels)", "events": "\(outcome.events.count)",
            "deliveries": "\(outcome.deliveries)", "duration": "\(String(format: "%.3f", duration.seconds))s",
        ]
        metadata.merge(outcome.suppression.logMetadata) { _, new in new }
        for message in outcome.recipientFallbacks.messages {
            logger.warning("\(message)", metadata: ["partner": "\(partnerID)"])
        }
        guard outcome.complete else {
            let reason = observed.failure?.message ?? "incomplete"
            let givenUp = try await InboundInbox.markAttemptFailed(Array(plan.channelsByEvent.keys), reason: reason, on: connection)
            try await finishWithoutReread(pending.filter { fullPollOutcomes[$0.event.id] != nil }, outcomes: fullPollOutcomes,
                                          stored: stored, rules: webhookRules, on: connection)
            metadata["reason"] = "\(reason)"
            logger.warning("targeted re-read failed; the events stay pending", metadata: metadata)
            return givenUp.isEmpty && plan.fullPollEvents.isEmpty ? .failed(reason) : .fullPollWanted
        }
        let committed = Date()
        for row in pending where plan.channelsByEvent[row.event.id] != nil {
            metrics.recordInboundLatency(seconds: committed.timeIntervalSince(row.receivedAt))
        }
        logger.info("targeted re-read", metadata: metadata)
        if outcome.deliveries > 0 { wakeDelivery() }
        return plan.needsFullPoll ? .fullPollWanted : .reread(channels: plan.channelIDs.count, pollID: outcome.pollID)
    }

    /// Marks events processed without a re-read (they asked for a full poll), with their webhook
    /// rules' events, in one transaction.
    private func finishWithoutReread(_ rows: [InboundInbox.PendingRow], outcomes: [Int64: JSONValue],
                                     stored: [InboundPlan.StoredChannel], rules: WebhookEventRecorder,
                                     on connection: PostgresConnection) async throws {
        guard !outcomes.isEmpty else { return }
        try await connection.transaction { connection in
            try await InboundInbox.markProcessed(outcomes, on: connection)
            let processed = rows.filter { outcomes[$0.event.id] != nil }
            try await recordWebhookRules(processed, stored: stored, rules: rules, on: connection)
            if let first = processed.map(\.receivedAt).min() {
                try await InboundInbox.markDeliveriesCaused(receivedAt: first, on: connection)
            }
        }
    }

    /// Evaluates the webhook rules for `rows` and records their `received` events. Each event's
    /// channel (what its templates see as `channel`) is the first it names by id or number.
    func recordWebhookRules(_ rows: [InboundInbox.PendingRow], stored: [InboundPlan.StoredChannel], rules: WebhookEventRecorder,
                            on connection: PostgresConnection) async throws {
        guard rules.hasRules, !rows.isEmpty else { return }
        func named(_ row: InboundInbox.PendingRow) -> String? {
            let references = row.event.references
            if let id = references.channelIDs.first { return id }
            let digits = Set(references.phoneDigits)
            return stored.first { $0.phoneDigits.map(digits.contains) ?? false }?.id
        }
        let channels = rows.map(named)
        let documents = try await InboundInbox.documents(partnerID: partnerID, ids: channels.compactMap { $0 }, on: connection)
        let inputs = zip(rows, channels).compactMap { row, channelID -> WebhookEventRecorder.Input? in
            guard let body = row.body, let payload = try? JSONParser.parse(Data(body.utf8)) else { return nil }
            let document = channelID.flatMap { documents[$0] }
            return WebhookEventRecorder.Input(event: row.name, payload: payload, channelID: document == nil ? nil : channelID,
                                              channel: document)
        }
        let written = try await rules.record(inputs, partnerID: partnerID, on: connection)
        if written.deliveries > 0 { wakeDelivery() }
    }

    private func hasCompletePoll(on connection: PostgresConnection) async throws -> Bool {
        try await connection.query("SELECT last_complete_poll_at IS NOT NULL AS done FROM partner_state WHERE partner_id = $1",
                                   [.text(partnerID)]).first?.decode(Bool.self, "done") ?? false
    }
}
