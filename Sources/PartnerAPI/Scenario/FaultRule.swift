/// A fault injected into channel-list requests that match, a limited number of times or forever.
public struct FaultRule: Sendable, Hashable {
    /// Which requests the rule matches.
    public enum Match: Sendable, Hashable {
        /// Every channel-list request.
        case any
        /// The 1-based page (offset ÷ limit + 1).
        case page(Int)
        /// The exact offset.
        case offset(Int)
        /// The n-th channel-list request to this partner (1-based, counted since start).
        case request(Int)
    }

    /// What the server does instead of (or besides) answering normally.
    public enum Failure: Sendable, Hashable {
        /// Answer this status with the documented error body (`500`, `503`, `401`, ...).
        case status(Int)
        /// Answer 429 with `Retry-After` in whole seconds.
        case rateLimit(retryAfterSeconds: Int)
        /// Answer 200 with a body that is not valid JSON.
        case malformedJSON
        /// Announce the full `Content-Length`, send half the body, close the connection.
        case truncatedBody
        /// Never answer (until this long has passed or the server stops).
        case hang(Duration)
        /// Close the connection without sending a byte.
        case dropConnection
        /// Answer normally but report `total` off by this much.
        case totalDrift(Int)
        /// Insert a new channel at the front of the listing before answering (shifts later pages).
        case insertChannel
        /// Remove the first channel of the listing before answering (shifts later pages).
        case removeChannel
        /// Answer with only the first N channels of the page (`total` unchanged).
        case shortPage(Int)
    }

    /// Which requests the rule matches.
    public var match: Match
    /// Latency added before answering (0 for none).
    public var latency: Duration
    /// The failure, or `nil` for a latency-only rule.
    public var failure: Failure?
    /// How many matching requests it affects; `nil` means every one.
    public var times: Int?

    /// A rule; with no `failure` it only adds `latency`; `times: nil` fires on every match.
    public init(match: Match = .any, latency: Duration = .zero, failure: Failure? = nil, times: Int? = nil) {
        self.match = match
        self.latency = latency
        self.failure = failure
        self.times = times
    }
}
