import Config
import Foundation

/// Why an event is recorded but not delivered.
public enum Suppression: Sendable, Equatable {
    /// Active silences that match it (their ids, in the order given).
    case silenced([UUID])
    /// The firing alert that inhibits it, as `rule/channel_id`.
    case inhibited(by: String)
}

/// A firing alert, as a possible source of inhibition.
public struct FiringAlert: Sendable, Equatable {
    /// `rule/channel_id`: identifies the alert (an alert never inhibits itself).
    public var key: String
    /// Its event's routing labels.
    public var labels: [String: String]

    public init(key: String, labels: [String: String]) {
        self.key = key
        self.labels = labels
    }

    /// The key of the alert of `rule` on `channelID` (empty for partner-wide system alerts).
    public static func key(rule: String, channelID: String) -> String { "\(rule)/\(channelID)" }
}

/// Decides whether an event is delivered, from the active silences and the firing alerts.
///
/// Pure, like ``Router``: silences are tried first (every active silence that matches is named),
/// then the inhibition rules in order; the first firing source alert that matches a rule, has the
/// same values of its `equal` labels (absent on both counts as the same) and is not the event's own
/// alert inhibits it. A source that started firing in the same poll counts: the caller passes the
/// alerts as they stand after the poll's changes.
public struct SuppressionDecider: Sendable {
    private struct CompiledSilence: Sendable {
        let silence: Silence
        let matchers: CompiledMatchers
    }

    private struct CompiledInhibitRule: Sendable {
        let source: CompiledMatchers
        let target: CompiledMatchers
        let equal: [String]
        /// The firing alerts that match `source`, found once.
        let sources: [FiringAlert]
    }

    private let silences: [CompiledSilence]
    private let rules: [CompiledInhibitRule]

    /// - Parameters:
    ///   - silences: candidate silences; only those active at `time` count.
    ///   - inhibitRules: the configured rules, in order.
    ///   - firing: the alerts firing now (after this poll's changes).
    ///   - time: when the events were observed.
    public init(silences: [Silence], inhibitRules: [InhibitRuleConfig], firing: [FiringAlert], at time: Date) {
        self.silences = silences.filter { $0.state(at: time) == .active }
            .map { CompiledSilence(silence: $0, matchers: CompiledMatchers($0.matchers)) }
        rules = inhibitRules.map { rule in
            let source = CompiledMatchers(rule.sourceMatchers)
            return CompiledInhibitRule(source: source, target: CompiledMatchers(rule.targetMatchers), equal: rule.equal,
                                       sources: firing.filter { source.matches($0.labels) })
        }
    }

    /// Whether nothing could be suppressed (no active silence, no rule with a firing source).
    public var isEmpty: Bool { silences.isEmpty && rules.allSatisfy(\.sources.isEmpty) }

    /// Why the event with these labels (of the alert `alertKey`, if it belongs to one) is not
    /// delivered; nil when it is.
    public func suppression(labels: [String: String], alertKey: String?) -> Suppression? {
        let silencing = silences.filter { $0.matchers.matches(labels) }.map(\.silence.id)
        if !silencing.isEmpty { return .silenced(silencing) }
        for rule in rules where !rule.sources.isEmpty && rule.target.matches(labels) {
            let source = rule.sources.first { source in
                source.key != alertKey && rule.equal.allSatisfy { (source.labels[$0] ?? "") == (labels[$0] ?? "") }
            }
            if let source { return .inhibited(by: source.key) }
        }
        return nil
    }

    /// The suppression of an event.
    public func suppression(of event: AlertEvent) -> Suppression? {
        suppression(labels: event.labels,
                    alertKey: event.status == .changed ? nil : FiringAlert.key(rule: event.rule, channelID: event.channel.id))
    }
}
