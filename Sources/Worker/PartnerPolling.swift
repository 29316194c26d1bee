import Alerting
import Recording
import Config

/// Fetches every channel of one partner: the Partner API client in production, a fixed set of
/// documents in tests.
///
/// Implementations never throw: a failure is an incomplete ``ObservedPoll`` whose `failure`
/// says what went wrong (and never contains the API key). A poll whose task is cancelled
/// returns early; the worker discards it rather than recording a failure.
public protocol PartnerPolling: Sendable {
    /// Polls `partner`, giving up (incomplete) once `deadline` has passed since the call.
    func poll(_ partner: PartnerConfig, deadline: Duration) async -> ObservedPoll

    /// Starts polling `partner` and hands its channels over as pages arrive, for recording
    /// while the poll runs. The default collects ``poll(_:deadline:)`` and hands it over at once.
    func stream(_ partner: PartnerConfig, deadline: Duration) -> ObservedPollStream
}

extension PartnerPolling {
    public func stream(_ partner: PartnerConfig, deadline: Duration) -> ObservedPollStream {
        ObservedPollStream.start(partnerID: partner.id) { emit in
            let observed = await poll(partner, deadline: deadline)
            if !observed.channels.isEmpty { await emit(ObservedBatch(pass: 1, channels: observed.channels)) }
            return observed
        }
    }
}
