import JSON
import Yams
import YAMLSupport

/// Reads the `rules:` list of one file into rules, reporting every problem to the collector.
final class RuleFileReader {
    let file: String
    let orders: [String: ValueOrder]
    let rejectedOrders: Set<String>
    let collector: DiagnosticCollector

    /// Labels ChannelWatch sets itself for routes; a rule may not redefine them.
    static let systemLabels: Set<String> = ["rule", "severity", "partner_id", "channel_id", "client_id", "waba_id", "business_id"]
    static let kindKeys = ["alert", "change", "disappeared", "webhook"]

    init(file: String, orders: [String: ValueOrder], rejectedOrders: Set<String>, collector: DiagnosticCollector) {
        self.file = file
        self.orders = orders
        self.rejectedOrders = rejectedOrders
        self.collector = collector
    }

    func readRules(_ node: Node, fields: inout FieldTable) -> [Rule] {
        guard case .sequence(let items) = node else {
            collector.add(node.diagnostic("'rules' must be a list of rules, found \(node.kindDescription)", file: file))
            return []
        }
        return items.compactMap { readRule($0, fields: &fields) }
    }

    private func readRule(_ node: Node, fields: inout FieldTable) -> Rule? {
        let reader = MappingReader(node, file: file, what: "a rule", collector: collector)
        guard reader.isValid else { return nil }
        let errorsBefore = collector.items.count
        let name = readName(reader)
        let label = name.map { "rule '\($0)'" } ?? "rule"
        let summary = readTemplate(reader, key: "summary", required: true)
        let description = readTemplate(reader, key: "description", required: false)
        let severity = readSeverity(reader)
        let labels = readLabels(reader)
        let conditions = ConditionReader(file: file, orders: orders, rejectedOrders: rejectedOrders, collector: collector)

        let present = reader.keys.filter { Self.kindKeys.contains($0) }
        if present.isEmpty {
            let hint = reader.keys.filter { $0.utf8.count <= 64 }.compactMap { DidYouMean.suggestion(for: $0, among: Self.kindKeys) }.first
            if hint == nil {
                collector.add(node.diagnostic("\(label) needs one of 'alert' (state rule), 'change' (change rule), 'disappeared: true' or 'webhook' (inbound event rule)", file: file))
            }
        } else if present.count > 1, let second = reader.keyNode(present[1]) {
            collector.add(second.diagnostic("\(label) has both '\(present[0])' and '\(present[1])'; a rule is exactly one of a state rule ('alert'), a change rule ('change'), 'disappeared: true' or a webhook rule ('webhook')", file: file))
        }
        var kind: RuleKind?
        if let alert = reader.value("alert") {
            kind = conditions.read(alert, fields: &fields).map(RuleKind.state)
        }
        if let change = reader.value("change") {
            let trigger = readChange(change, fields: &fields, conditions: conditions)
            kind = kind ?? trigger.map(RuleKind.change)
        }
        if let disappeared = reader.value("disappeared") {
            if disappeared.scalar?.string != "true" {
                collector.add(disappeared.diagnostic("'disappeared' must be true (remove the key for a rule of another kind)", file: file))
            }
            kind = kind ?? .disappeared
        }
        let isWebhook = present.first == "webhook"
        var scope: Condition?
        if isWebhook, let webhook = reader.value("webhook") {
            // Its `where:` looks at the inbound payload, not at polled documents: read apart from the rule set's fields.
            var ownFields = FieldTable()
            let condition = reader.value("where").flatMap { readScope($0, conditions: conditions, fields: &ownFields) }
            kind = kind ?? readWebhook(webhook, condition: condition).map(RuleKind.webhook)
        } else {
            scope = reader.value("where").flatMap { readScope($0, conditions: conditions, fields: &fields) }
        }

        let isChange = present.first == "change" || isWebhook
        var forPolls = 1
        if let count = reader.int("for_polls") {
            if isChange, let key = reader.keyNode("for_polls") {
                collector.add(key.diagnostic("'for_polls' applies to state and disappeared rules, not to \(isWebhook ? "webhook" : "change") rules", file: file))
            } else if count < 1, let value = reader.value("for_polls") {
                collector.add(value.diagnostic("'for_polls' must be 1 or more, found \(count)", file: file))
            } else {
                forPolls = count
            }
        }
        var sendResolved = !isChange
        if let flag = reader.bool("send_resolved") {
            if isChange, let key = reader.keyNode("send_resolved") {
                collector.add(key.diagnostic("'send_resolved' applies to state and disappeared rules; \(isWebhook ? "webhook" : "change") rules never resolve", file: file))
            } else {
                sendResolved = flag
            }
        }
        reader.finish()

        guard collector.items.count == errorsBefore, let name, let summary, let kind, let nameNode = reader.value("name") else {
            return nil
        }
        let location = SourceLocation(file: file, line: nameNode.mark?.line ?? 0, column: nameNode.mark?.column ?? 0)
        let reportedField: JSONPath? = switch kind {
        case .state(let condition): condition.primaryField
        case .change(let trigger): trigger.field
        case .disappeared, .webhook: nil
        }
        return Rule(name: name, kind: kind, scope: scope, severity: severity ?? .warning, labels: labels ?? [:],
                    summary: summary, description: description, forPolls: forPolls, sendResolved: sendResolved,
                    location: location, reportedSlot: reportedField.map { fields.slot(for: $0) })
    }

    private func readName(_ reader: MappingReader) -> String? {
        guard let name = reader.string("name", required: true), let node = reader.value("name") else { return nil }
        let allowed = name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
        if name.isEmpty || !allowed {
            collector.add(node.diagnostic("rule name '\(name.clipped())' may only use lowercase letters, digits and '_'", file: file))
            return nil
        }
        if RuleSet.reservedNames.contains(name) {
            collector.add(node.diagnostic("rule name '\(name)' is reserved for a ChannelWatch system alert; choose another name", file: file))
            return nil
        }
        return name
    }

    private func readTemplate(_ reader: MappingReader, key: String, required: Bool) -> RuleTemplate? {
        guard let text = reader.string(key, required: required), let node = reader.value(key) else { return nil }
        do {
            return try RuleTemplate(text)
        } catch {
            collector.add(node.diagnostic("'\(key)' \(error.message)", file: file))
            return nil
        }
    }

    private func readSeverity(_ reader: MappingReader) -> Severity? {
        guard let text = reader.string("severity"), let node = reader.value("severity") else { return nil }
        if let severity = Severity(rawValue: text) { return severity }
        let names = Severity.allCases.map(\.rawValue)
        collector.add(node.diagnostic("'severity' must be one of \(names.joined(separator: ", ")), found '\(text.clipped())'"
            + Hint.didYouMean(text, among: names), file: file))
        return nil
    }

    private func readLabels(_ reader: MappingReader) -> [String: String]? {
        guard let labels = reader.stringMap("labels"), case .mapping(let mapping)? = reader.value("labels") else { return nil }
        for key in mapping.keys {
            guard let name = key.scalar?.string else { continue }
            let valid = name.first.map { $0 == "_" || ($0.isASCII && $0.isLetter) } ?? false
                && name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
            if !valid {
                collector.add(key.diagnostic("label name '\(name.clipped())' must start with a letter or '_' and use only letters, digits and '_'", file: file))
            } else if Self.systemLabels.contains(name) {
                collector.add(key.diagnostic("label '\(name)' is set by ChannelWatch for routes; choose another name", file: file))
            }
        }
        return labels
    }

    /// `webhook: {event: name}` or `webhook: {event: [name, ...]}`.
    private func readWebhook(_ node: Node, condition: Condition?) -> WebhookTrigger? {
        let reader = MappingReader(node, file: file, what: "'webhook'", collector: collector)
        guard reader.isValid else { return nil }
        defer { reader.finish() }
        guard let eventNode = reader.value("event") else {
            reader.reportMissing("event")
            return nil
        }
        let names: [String]
        switch eventNode {
        case .scalar(let scalar): names = [scalar.string]
        case .sequence(let items): names = items.compactMap { $0.scalar?.string }
        default: names = []
        }
        let valid = names.filter { !$0.isEmpty && $0.utf8.count <= 100 && !$0.contains(where: \.isWhitespace) }
        guard !valid.isEmpty, valid.count == names.count else {
            collector.add(eventNode.diagnostic("'event' must be an event name such as account_violation, or a list of them", file: file))
            return nil
        }
        return WebhookTrigger(events: valid, condition: condition)
    }

    private func readScope(_ node: Node, conditions: ConditionReader, fields: inout FieldTable) -> Condition? {
        if case .sequence(let items) = node {
            let parts = items.map { conditions.read($0, fields: &fields) }
            return parts.contains { $0 == nil } ? nil : .all(parts.compactMap { $0 })
        }
        return conditions.read(node, fields: &fields)
    }
}
