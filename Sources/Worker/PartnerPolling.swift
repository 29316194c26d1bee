import Alerting
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
}
