import JSON

/// A simulated Partner API world: partners with their channels and faults, and a timeline of
/// changes. Read from YAML by ``ScenarioLoader``; served by ``PartnerAPISimulator``.
public struct Scenario: Sendable {
    /// The partners the simulator serves.
    public var partners: [ScenarioPartner]
    /// Changes applied one step at a time.
    public var timeline: Timeline

    /// A scenario from its parts.
    public init(partners: [ScenarioPartner], timeline: Timeline = Timeline()) {
        self.partners = partners
        self.timeline = timeline
    }
}

/// One simulated partner.
public struct ScenarioPartner: Sendable {
    /// The partner id in the URL path.
    public var id: String
    /// The only `X-API-Key` accepted for this partner.
    public var apiKey: String
    /// Channel documents in listing order (explicit ones first, then generated ones).
    public var channels: [JSONValue]
    /// The largest `limit` the server honours; larger requests get shorter pages.
    public var maxPageSize: Int?
    /// Latency added to every channel-list response.
    public var latency: Duration
    /// Faults injected into channel-list requests, checked in order.
    public var faults: [FaultRule]
    /// Where partner webhooks for the timeline's changes are posted, if anywhere.
    public var webhook: ScenarioWebhook?

    /// A partner from its parts.
    public init(id: String, apiKey: String, channels: [JSONValue], maxPageSize: Int? = nil,
                latency: Duration = .zero, faults: [FaultRule] = [], webhook: ScenarioWebhook? = nil) {
        self.id = id
        self.apiKey = apiKey
        self.channels = channels
        self.maxPageSize = maxPageSize
        self.latency = latency
        self.faults = faults
        self.webhook = webhook
    }
}

/// A partner's `webhooks:` URL in a scenario: each timeline change is posted there as 360dialog
/// would, signed with `secret` (`x-360dialog-signature`, hex HMAC-SHA256 of the body).
public struct ScenarioWebhook: Sendable {
    /// e.g. `http://127.0.0.1:9465/webhooks/360dialog/demo-partner`.
    public var url: String
    /// The platform secret; unsigned when nil.
    public var secret: String?

    public init(url: String, secret: String?) {
        self.url = url
        self.secret = secret
    }
}

/// The scenario's steps, and when the simulator moves to the next one.
public struct Timeline: Sendable {
    /// How the timeline advances.
    public enum Advance: String, Sendable, CaseIterable {
        /// After every partner has been listed to its last page since the previous step
        /// (applied when the next listing starts, so one pass never mixes two steps).
        case afterPass = "after_pass"
        /// Only through `POST /_sim/advance`.
        case manual
    }

    /// How the timeline advances.
    public var advance: Advance
    /// The steps, applied in order; the initial state is "before step 1".
    public var steps: [TimelineStep]

    /// A timeline; by default empty, advancing after passes.
    public init(advance: Advance = .afterPass, steps: [TimelineStep] = []) {
        self.advance = advance
        self.steps = steps
    }
}

/// One step of the timeline: a named set of channel changes.
public struct TimelineStep: Sendable {
    /// Shown by `GET /_sim/state` and the simulate command.
    public var name: String
    /// The changes, applied in order.
    public var changes: [ChannelChange]

    /// A step from its parts.
    public init(name: String, changes: [ChannelChange]) {
        self.name = name
        self.changes = changes
    }
}

/// A change to one partner's channels.
public struct ChannelChange: Sendable {
    /// Which channels of the partner a `set`/`unset` applies to.
    public enum Selection: Sendable, Hashable {
        /// The channels with these ids.
        case ids([String])
        /// Every `n`-th channel in listing order (the 1st, the n+1-th, ...).
        case every(Int)
        /// All channels.
        case all
    }

    /// What the change does.
    public enum Action: Sendable {
        /// Sets fields by dotted path (creating intermediate objects) on the selected channels.
        case set(selection: Selection, fields: [(path: JSONPath, value: JSONValue)])
        /// Removes fields by dotted path from the selected channels.
        case unset(selection: Selection, paths: [JSONPath])
        /// Appends a channel document (replaces one with the same id).
        case add(JSONValue)
        /// Removes channels by id.
        case remove([String])
    }

    /// The partner whose channels change.
    public var partnerID: String
    /// What to do.
    public var action: Action

    /// A change from its parts.
    public init(partnerID: String, action: Action) {
        self.partnerID = partnerID
        self.action = action
    }
}
