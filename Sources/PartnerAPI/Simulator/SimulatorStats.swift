/// What the simulator saw, per partner or in total; read by tests and benchmarks.
public struct SimulatorStats: Sendable, Hashable {
    /// Channel-list requests received (any outcome).
    public var requests = 0
    /// Pages answered with 200 and a full body.
    public var pagesServed = 0
    /// Requests answered with an injected fault.
    public var faultsInjected = 0
    /// Requests being handled right now.
    public var inFlight = 0
    /// The most requests ever handled at once.
    public var maxInFlight = 0
    /// Complete passes over the listing (a page reaching `total` was served).
    public var passes = 0

    /// All counters at zero.
    public init() {}
}

/// One received channel-list request, for tests that check what the client sent.
public struct RecordedRequest: Sendable, Hashable {
    /// The partner id in the path.
    public var partnerID: String
    /// The query parameters, percent-decoded, in order.
    public var query: [String: String]
    /// Whether `X-API-Key` matched the partner's key (the key itself is never recorded).
    public var authorized: Bool
}
