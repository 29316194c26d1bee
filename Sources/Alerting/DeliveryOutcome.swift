/// What a receiver says about one attempt to deliver a notification.
public enum DeliveryOutcome: Sendable, Equatable {
    /// The receiver accepted it; never sent again.
    case delivered
    /// A transient failure: try again, not before `after` when the receiver said so (Retry-After).
    case retry(after: Duration?, reason: String)
    /// A permanent failure: give up now and keep the reason.
    case dead(reason: String)
}

/// A destination that can deliver a notification: Slack, email, webhook or the console.
///
/// Implementations render, send and classify the outcome; they never throw and never put a
/// secret (URL path, password, signing key) in a reason.
public protocol Receiver: Sendable {
    /// The receiver's configured name.
    var name: String { get }
    /// Sends one notification. `kind` is `notification`, `reminder` or `test`.
    func deliver(_ notification: NotificationPayload, kind: DeliveryKind) async -> DeliveryOutcome
}

/// Why a delivery exists.
public enum DeliveryKind: String, Sendable, Codable {
    /// Events of a poll.
    case notification
    /// A `repeat_interval` reminder of a still-firing alert.
    case reminder
    /// `notify-test`.
    case test
}
