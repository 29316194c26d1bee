import Alerting
import Foundation
import JSON
import Postgres
import Rules

/// Records the `received` events webhook rules give for inbound partner webhooks, with the
/// deliveries they cause, in the caller's transaction (the one that marks the events processed,
/// so each inbound event is evaluated exactly once).
public struct WebhookEventRecorder: Sendable {
    /// One inbound event to evaluate.
    public struct Input: Sendable {
        /// The `event` name.
        public var event: String
        /// The whole payload.
        public var payload: JSONValue
        /// The channel it names, when it names one that is stored (or re-read).
        public var channelID: String?
        /// That channel's snapshot.
        public var channel: JSONValue?

        public init(event: String, payload: JSONValue, channelID: String?, channel: JSONValue?) {
            self.event = event
            self.payload = payload
            self.channelID = channelID
            self.channel = channel
        }
    }

    let recorder: PollRecorder

    public init(recorder: PollRecorder) { self.recorder = recorder }

    /// Whether the rules have any webhook rule (otherwise nothing is evaluated or loaded).
    public var hasRules: Bool { recorder.engine.hasWebhookRules }

    /// Evaluates `inputs` and writes their events and deliveries; returns how many of each.
    /// Several inbound events of one batch firing the same rule for the same channel make one event.
    public func record(_ inputs: [Input], partnerID: String, on connection: PostgresConnection) async throws -> (events: Int, deliveries: Int) {
        guard hasRules, !inputs.isEmpty else { return (0, 0) }
        let observedAt = Date()
        var writer = recorder.eventWriter(partnerID: partnerID, observedAt: observedAt)
        var seen = Set<String>()
        let context = EvaluationContext(partnerID: partnerID, observedAt: observedAt)
        for input in inputs {
            let facts = recorder.engine.evaluateWebhook(event: input.event, payload: input.payload, channelID: input.channelID,
                                                        channel: input.channel, context: context)
                .filter { seen.insert("\($0.rule)/\($0.channelID)").inserted }
            guard !facts.isEmpty else { continue }
            writer.add(facts, channel: ChannelSummary(id: input.channelID ?? "", document: input.channel), document: input.channel)
        }
        let written = try await writer.flush(pollID: nil, on: connection)
        if written.deliveries > 0 {
            try await connection.execute("SELECT pg_notify('channelwatch_deliveries', $1)", [.text(partnerID)])
        }
        return (written.events.count, written.deliveries)
    }
}
