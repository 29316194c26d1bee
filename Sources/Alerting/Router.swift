import Config
import Foundation

/// Decides which receivers get an event and how events are grouped.
///
/// Routes are tried in order; the first one whose matchers all hold wins, unless it says
/// `continue: true`, in which case later routes are tried too. Pure: labels in, targets out.
public struct Router: Sendable {
    /// One receiver an event goes to, and the group it joins there.
    public struct Target: Hashable, Sendable {
        /// The receiver's name.
        public var receiver: String
        /// The group within the receiver: `rule=quality_low,waba_id=123` (group_by labels in order).
        public var groupKey: String
        /// How often a still-firing alert is re-notified through this route; `nil` never.
        public var repeatInterval: Duration?
    }

    private let routes: [CompiledRoute]
    private var excludedReceiver: String?
    /// The receivers whose recipients are rendered per event.
    public let recipients: RecipientRenderer

    /// Compiles the routes' regular expressions (the config loader has already validated them)
    /// and the templated recipients among `receivers`.
    public init(routes: [RouteConfig], receivers: [ReceiverConfig] = []) {
        self.routes = routes.map(CompiledRoute.init)
        recipients = RecipientRenderer(receivers: receivers)
    }

    /// The targets of `event`: ``targets(for:)-(_:[String:String])`` of its labels, where a receiver
    /// with templated recipients groups per rendered recipient (`…,recipient=ops@client.example`,
    /// or `recipient=fallback`), so each client gets its own notification.
    public func targets(for event: AlertEvent) -> [Target] {
        var targets = targets(for: event.labels)
        guard !recipients.isEmpty else { return targets }
        for index in targets.indices where recipients.isTemplated(targets[index].receiver) {
            let values = event.recipients[targets[index].receiver]
            targets[index].groupKey += ",recipient=" + (values?.joined(separator: " ") ?? "fallback")
        }
        return targets
    }

    /// The targets for an event with these labels, each receiver at most once
    /// (the first route that names it decides its group).
    public func targets(for labels: [String: String]) -> [Target] {
        var targets: [Target] = []
        for route in routes where route.matches(labels) {
            let groupKey = Self.groupKey(labels: labels, groupBy: route.config.groupBy)
            for receiver in route.config.receivers
            where receiver != excludedReceiver && !targets.contains(where: { $0.receiver == receiver }) {
                targets.append(Target(receiver: receiver, groupKey: groupKey, repeatInterval: route.config.repeatInterval))
            }
            if !route.config.continue { break }
        }
        return targets
    }

    /// The same routes without one receiver (so `delivery_dead` never goes to the receiver that failed).
    public func excluding(receiver: String) -> Router {
        var copy = self
        copy.excludedReceiver = receiver
        return copy
    }

    /// `label=value` pairs of the group_by labels, in the route's order; a missing label is empty.
    public static func groupKey(labels: [String: String], groupBy: [String]) -> String {
        groupBy.map { "\($0)=\(labels[$0] ?? "")" }.joined(separator: ",")
    }
}

/// A route with its matchers compiled once.
private struct CompiledRoute: Sendable {
    let config: RouteConfig
    let matchers: CompiledMatchers

    init(_ config: RouteConfig) {
        self.config = config
        matchers = CompiledMatchers(config.matchers)
    }

    func matches(_ labels: [String: String]) -> Bool { matchers.matches(labels) }
}
