import Foundation
import JSON
import Mustache

/// The variables a rule's templates see: `channel`, `previous`, `field`, `from`, `to`,
/// `rule`, `severity`, `labels`, `partner_id`, `observed_at`, plus `status` and `resolved`.
///
/// Values are handed to Mustache as small wrapper types that conform to its protocols
/// directly: rendering resolves every tag through dynamic casts, and direct conformances
/// plus on-demand document members keep a fact's rendering cheap.
public struct TemplateVariables: MustacheParent {
    let channel: JSONValue
    let previous: JSONValue
    let field: String?
    let from: String?
    let to: String?
    let rule: String
    let severity: Severity
    let labels: [String: String]
    let status: FactStatus
    let partnerID: String
    let observedAt: Date
    /// The inbound webhook's payload (webhook rules only).
    let webhook: JSONValue?

    /// Builds the variables for one event.
    ///
    /// - Parameters:
    ///   - channel: the current document, or the last one seen when the channel is absent
    ///     (`nil` renders `{{channel.…}}` as nothing).
    ///   - previous: the previous document, if any.
    public init(channel: JSONValue?, previous: JSONValue?, field: String?, from: String?, to: String?,
                rule: String, severity: Severity, labels: [String: String], status: FactStatus,
                partnerID: String, observedAt: Date, webhook: JSONValue? = nil) {
        self.channel = channel ?? .object([:])
        self.previous = previous ?? .object([:])
        self.field = field
        self.from = from
        self.to = to
        self.rule = rule
        self.severity = severity
        self.labels = labels
        self.status = status
        self.partnerID = partnerID
        self.observedAt = observedAt
        self.webhook = webhook
    }

    /// Mustache's lookup of a top-level variable.
    public func child(named name: String) -> Any? {
        switch name {
        case "channel": return TemplateDocument(channel)
        case "previous": return TemplateDocument(previous)
        case "field": return field.map(TemplateText.init)
        case "from": return from.map(TemplateText.init)
        case "to": return to.map(TemplateText.init)
        case "rule": return TemplateText(rule)
        case "severity": return TemplateText(severity.rawValue)
        case "labels": return TemplateDocument(.object(labels.mapValues(JSONValue.string)))
        case "partner_id": return TemplateText(partnerID)
        case "observed_at": return TemplateText(observedAt.formatted(.iso8601))
        case "status": return TemplateText(status.rawValue)
        case "resolved": return status == .resolved
        case "webhook": return webhook.map(TemplateDocument.init)
        default: return nil
        }
    }

    /// JSON to Mustache values: scalars as text (`5`, not `5.0`), `null` as missing so
    /// `{{#x}}` sections skip it, objects wrapped so only the members a template reads are converted.
    static func convert(_ value: JSONValue) -> Any? {
        switch value {
        case .null: return nil
        case .bool(let flag): return flag
        case .number, .string: return value.scalarText.map(TemplateText.init)
        case .array(let items): return items.compactMap(convert)
        case .object: return TemplateDocument(value)
        }
    }
}

/// A text value for Mustache; conforming directly makes `{{x}}` a single cast.
struct TemplateText: MustacheCustomRenderable {
    let renderText: String

    init(_ text: String) { renderText = text }

    var isNull: Bool { false }
}

/// A JSON object as Mustache sees it: members are looked up on demand instead of converting
/// the whole channel document for every fact.
struct TemplateDocument: MustacheParent, MustacheCustomRenderable {
    let value: JSONValue

    init(_ value: JSONValue) { self.value = value }

    func child(named name: String) -> Any? {
        value[name].flatMap(TemplateVariables.convert)
    }

    /// `{{channel}}` on its own renders the object as compact JSON.
    var renderText: String { String(decoding: value.encoded(), as: UTF8.self) }

    var isNull: Bool { false }
}
