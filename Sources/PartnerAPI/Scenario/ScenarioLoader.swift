import JSON
import Yams
import YAMLSupport

/// Reads scenario files strictly: every problem is a ``Diagnostic`` at `FILE:LINE:COLUMN`,
/// all of them reported at once.
///
/// ```yaml
/// partners:
///   - id: demo
///     api_key: demo-key
///     max_page_size: 100          # optional: the server caps `limit`
///     latency: 50ms               # optional: added to every page
///     channels: [{id: c1, status: ready}]
///     generate: {count: 1000, template: {status: ready}, overrides: [{every: 10, set: {current_limit: TIER_1K}}]}
///     faults: [{page: 2, fail: status, status: 500, times: 2}]
/// timeline:
///   advance: after_pass           # or manual
///   steps:
///     - name: quality drops
///       changes: [{partner: demo, channel: c1, set: {current_quality_rating: Low}}]
/// ```
public enum ScenarioLoader {
    /// Loads and validates a scenario file.
    public static func load(path: String) throws -> Scenario {
        let node: Node?
        do {
            node = try YAMLFile.load(path: path)
        } catch {
            throw Diagnostics([error])
        }
        return try scenario(from: node, file: path)
    }

    /// Parses and validates scenario text; `file` names it in diagnostics.
    public static func parse(_ text: String, file: String) throws -> Scenario {
        let node: Node?
        do {
            node = try YAMLFile.parse(text, file: file)
        } catch {
            throw Diagnostics([error])
        }
        return try scenario(from: node, file: file)
    }

    static func scenario(from node: Node?, file: String) throws -> Scenario {
        let collector = DiagnosticCollector()
        guard let node else {
            throw Diagnostics([Diagnostic(file: file, line: 0, column: 0, message: "the scenario is empty; it needs a 'partners' list")])
        }
        let root = MappingReader(node, file: file, what: "the scenario", collector: collector)
        var partners: [ScenarioPartner] = []
        if let list = root.value("partners") {
            if case .sequence(let items) = list {
                partners = items.compactMap { partner(from: $0, file: file, collector: collector) }
            } else {
                collector.add(list.diagnostic("'partners' must be a list, found \(list.kindDescription)", file: file))
            }
        } else {
            root.reportMissing("partners")
        }
        reportDuplicatePartners(partners, node: root.value("partners"), file: file, collector: collector)
        var timeline = Timeline()
        if let timelineNode = root.value("timeline") {
            let known = partners.map(\.id)
            timeline = TimelineReader(file: file, collector: collector, partnerIDs: known).timeline(from: timelineNode)
        }
        root.finish()
        try collector.throwIfAny()
        return Scenario(partners: partners, timeline: timeline)
    }

    static func partner(from node: Node, file: String, collector: DiagnosticCollector) -> ScenarioPartner? {
        let reader = MappingReader(node, file: file, what: "a partner", collector: collector)
        guard reader.isValid else { return nil }
        let id = reader.string("id", required: true)
        let apiKey = reader.string("api_key", required: true)
        let maxPageSize = reader.int("max_page_size")
        if let maxPageSize, maxPageSize < 1, let valueNode = reader.value("max_page_size") {
            collector.add(valueNode.diagnostic("'max_page_size' must be at least 1", file: file))
        }
        let latency = reader.duration("latency") ?? .zero
        var channels: [JSONValue] = []
        if let list = reader.value("channels") {
            channels += explicitChannels(list, file: file, collector: collector)
        }
        if let generate = reader.value("generate"), let id {
            channels += GeneratorReader(file: file, collector: collector).generator(from: generate)?
                .documents(partnerID: id) ?? []
        }
        var faults: [FaultRule] = []
        if let list = reader.value("faults") {
            faults = FaultReader(file: file, collector: collector).faults(from: list)
        }
        var webhook: ScenarioWebhook?
        if let node = reader.value("webhooks") {
            let webhookReader = MappingReader(node, file: file, what: "a partner's 'webhooks'", collector: collector)
            if webhookReader.isValid, let url = webhookReader.string("url", required: true) {
                webhook = ScenarioWebhook(url: url, secret: webhookReader.string("secret"))
                if !(url.hasPrefix("http://") || url.hasPrefix("https://")), let urlNode = webhookReader.value("url") {
                    collector.add(urlNode.diagnostic("'url' must be an http:// or https:// URL, found '\(url)'", file: file))
                }
            }
            webhookReader.finish()
        }
        reader.finish()
        guard let id, let apiKey else { return nil }
        return ScenarioPartner(id: id, apiKey: apiKey, channels: channels, maxPageSize: maxPageSize,
                               latency: latency, faults: faults, webhook: webhook)
    }

    static func explicitChannels(_ node: Node, file: String, collector: DiagnosticCollector) -> [JSONValue] {
        guard case .sequence(let items) = node else {
            collector.add(node.diagnostic("'channels' must be a list of channel documents, found \(node.kindDescription)", file: file))
            return []
        }
        var seen: Set<String> = []
        var documents: [JSONValue] = []
        for item in items {
            let document = item.jsonValue
            guard case .string(let id)? = document["id"], !id.isEmpty else {
                collector.add(item.diagnostic("a channel needs a string 'id'", file: file))
                continue
            }
            if !seen.insert(id).inserted {
                collector.add(item.diagnostic("duplicate channel id '\(id)'", file: file))
                continue
            }
            documents.append(document)
        }
        return documents
    }

    static func reportDuplicatePartners(_ partners: [ScenarioPartner], node: Node?, file: String, collector: DiagnosticCollector) {
        var seen: Set<String> = []
        for partner in partners where !seen.insert(partner.id).inserted {
            let message = "duplicate partner id '\(partner.id)'"
            collector.add(node?.diagnostic(message, file: file) ?? Diagnostic(file: file, line: 0, column: 0, message: message))
        }
    }
}
