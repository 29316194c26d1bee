/// The built-in alerts ChannelWatch raises about itself rather than about a channel: a partner's
/// polls failing (`poll_failing`), the Partner API refusing the key (`api_auth_failed`), and a
/// notification that could not be delivered (`delivery_dead`).
public enum SystemAlerts {
    /// Fires after `poll_failing_after` consecutive failed polls of a partner; resolves with a complete poll.
    public static let pollFailing = "poll_failing"
    /// Fires when the Partner API answers 401 or 403; resolves with a complete poll.
    public static let apiAuthFailed = "api_auth_failed"
    /// A change event raised when a delivery gives up, routed to every receiver but the one that failed.
    public static let deliveryDead = "delivery_dead"
}
