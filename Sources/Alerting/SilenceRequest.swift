import Config
import Foundation
import Rules
import YAMLSupport

/// A silence as a person asks for it (CLI flags or an API body), before validation.
///
/// ``validate(now:knownLabels:knownRules:)`` names every problem at once, so a bad request is
/// answered with one clear error and stores nothing.
public struct SilenceRequest: Sendable {
    /// `(label, written form)` in the order given: `waba_id`, `104000001` or `rule`, `=~quality_.*`.
    public var matchers: [(label: String, written: String)]
    /// ISO 8601; absent means now.
    public var startsAt: String?
    /// ISO 8601; give this or ``duration``.
    public var endsAt: String?
    /// `2h`, `30m`, `1d`; give this or ``endsAt``.
    public var duration: String?
    /// Why; required.
    public var comment: String?
    /// Who; required.
    public var createdBy: String?

    public init(matchers: [(label: String, written: String)], startsAt: String? = nil, endsAt: String? = nil,
                duration: String? = nil, comment: String?, createdBy: String?) {
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.duration = duration
        self.comment = comment
        self.createdBy = createdBy
    }

    /// The labels every event carries (besides its rule's own labels): what a matcher may name.
    public static let builtInLabels = ["rule", "severity", "partner_id", "channel_id", "client_id", "waba_id",
                                       "business_id", "receiver"]

    /// Reads `label=value` or `label=~regex` (the CLI's `--match`); nil when there is no `=` or no label.
    public static func parseMatch(_ text: String) -> (label: String, written: String)? {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let label = text[..<equals].trimmingCharacters(in: .whitespaces)
        guard !label.isEmpty else { return nil }
        let rest = String(text[text.index(after: equals)...])
        // `label=~regex`: the `=` that ends the label also begins the `=~` of the written form.
        return (label, rest.hasPrefix("~") ? "=" + rest : rest)
    }

    /// The silence, or every problem with the request.
    ///
    /// - Parameters:
    ///   - knownLabels: labels events can carry (``builtInLabels`` plus the loaded rules' labels).
    ///   - knownRules: rule and system alert names; an equality matcher on `rule` must name one.
    public func validate(now: Date, knownLabels: Set<String>, knownRules: Set<String>) -> Result<Silence, SilenceRequestError> {
        var problems: [String] = []
        var parsed: [LabelMatcher] = []
        if matchers.isEmpty { problems.append("at least one matcher is required, e.g. waba_id=104000001") }
        for (label, written) in matchers {
            guard knownLabels.contains(label) else {
                problems.append("unknown label '\(label)'" + DidYouMean.hint(for: label, among: knownLabels.sorted())
                                + "; labels are \(knownLabels.sorted().joined(separator: ", "))")
                continue
            }
            let matcher = LabelMatcher(label: label, written: written)
            switch matcher.test {
            case .matches(let pattern):
                if CompiledMatchers.regex(pattern) == nil {
                    problems.append("matcher '\(label)': invalid regular expression '\(pattern)'")
                    continue
                }
            case .equals(let value):
                if label == "rule", !knownRules.contains(value) {
                    problems.append("matcher 'rule': no rule is named '\(value)'" + DidYouMean.hint(for: value, among: knownRules.sorted()))
                }
            }
            parsed.append(matcher)
        }
        if !parsed.isEmpty, parsed.count == matchers.count, CompiledMatchers(parsed).matches([:]) {
            problems.append("the matchers match an event without any labels, so the silence would mute everything; name a value")
        }
        let start = startsAt.flatMap { text -> Date? in
            guard let date = Self.parseTime(text) else {
                problems.append("starts_at '\(text)' is not an ISO 8601 time, e.g. 2026-12-04T15:00:00Z")
                return nil
            }
            return date
        } ?? now
        var end: Date?
        switch (endsAt, duration) {
        case (nil, nil):
            problems.append("give ends_at or duration (e.g. 2h)")
        case (.some, .some):
            problems.append("give ends_at or duration, not both")
        case (let text?, nil):
            end = Self.parseTime(text)
            if end == nil { problems.append("ends_at '\(text)' is not an ISO 8601 time, e.g. 2026-12-04T18:00:00Z") }
        case (nil, let text?):
            if let length = DurationText.parse(text), length > .zero {
                end = start.addingTimeInterval(Double(length.components.seconds) + Double(length.components.attoseconds) / 1e18)
            } else {
                problems.append("duration '\(text)' is not a positive duration such as 30m, 2h or 1d")
            }
        }
        if let end {
            if end <= start {
                problems.append("ends_at \(Self.format(end)) is not after starts_at \(Self.format(start))")
            } else if end <= now {
                problems.append("ends_at \(Self.format(end)) has passed; the silence would never hold")
            }
        }
        let comment = comment?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if comment.isEmpty { problems.append("a comment is required: say why, for the next person on call") }
        let author = createdBy?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if author.isEmpty { problems.append("created_by is required: who is muting this") }
        guard problems.isEmpty, let end else { return .failure(SilenceRequestError(problems: problems)) }
        return .success(Silence(matchers: parsed, startsAt: start, endsAt: end, comment: comment, createdBy: author,
                                createdAt: now))
    }

    /// Parses ISO 8601 with or without fractional seconds.
    public static func parseTime(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }

    /// ISO 8601 in UTC, to the second.
    public static func format(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}

extension SilenceRequest {
    /// Validates the request against the loaded rules: a matcher may name every event's built-in
    /// labels and the rules' own labels, and an equality on `rule` a rule or system alert.
    public func validate(now: Date, rules: RuleSet) -> Result<Silence, SilenceRequestError> {
        validate(now: now, knownLabels: Set(Self.builtInLabels).union(rules.rules.flatMap(\.labels.keys)),
                 knownRules: Set(rules.rules.map(\.name)).union(RuleSet.reservedNames))
    }
}

/// What is wrong with a silence request: every problem, in the order found.
public struct SilenceRequestError: Error, CustomStringConvertible, Equatable {
    public var problems: [String]

    public init(problems: [String]) { self.problems = problems }

    public var description: String { "invalid silence: " + problems.joined(separator: "; ") }
}
