import Foundation
import JSON
import YAMLSupport
import Yams

/// Reads the sections of one configuration file into values; problems go to the collector.
struct ConfigReadingContext {
    let file: String
    let collector: DiagnosticCollector
    let expansion: EnvironmentExpansion

    func readRoot(_ root: Node) -> ChannelWatchConfig? {
        let reader = MappingReader(root, file: file, what: "the configuration", collector: collector)
        guard reader.isValid else { return nil }
        let partners = list(reader, "partners", required: true) { readPartner($0) }
        let database = readDatabase(reader.value("database"))
        let poll = readPoll(reader.value("poll"))
        let rules = stringList(reader, "rules").map { $0.map(resolveRelative) } ?? [resolveRelative("Rules")]
        let listen = string(reader, "listen") ?? "127.0.0.1:9464"
        let receivers = list(reader, "receivers") { readReceiver($0) }
        let routes = list(reader, "routes") { readRoute($0) }
        let inhibitRules = list(reader, "inhibit_rules") { readInhibitRule($0) }
        let maxDeliveryAge = reader.duration("max_delivery_age") ?? .seconds(86_400)
        let webhookListen = string(reader, "webhook_listen") ?? ""
        let httpAuth = reader.value("http_auth").flatMap(readHTTPAuth)
        reader.finish()

        checkUnique(partners.map { ($0.value.id, $0.node) }, what: "partner id")
        checkUnique(receivers.map { ($0.value.name, $0.node) }, what: "receiver name")
        checkRoutes(routes, declared: declaredNames(reader.value("receivers")))
        if !listen.isEmpty { checkListen(listen, node: reader.value("listen")) }
        if !webhookListen.isEmpty {
            checkListen(webhookListen, node: reader.value("webhook_listen"), key: "webhook_listen")
            if webhookListen == listen, let node = reader.value("webhook_listen") {
                collector.add(node.diagnostic("'webhook_listen' must differ from 'listen': the public endpoint exposes nothing else", file: file))
            }
            if !partners.contains(where: { $0.value.webhook != nil }), let node = reader.value("webhook_listen") {
                collector.add(node.diagnostic("'webhook_listen' is set but no partner has a 'webhook:' block; every request would be refused", file: file))
            }
        }

        return ChannelWatchConfig(
            file: file, partners: partners.map(\.value), database: database, poll: poll,
            rules: rules, listen: listen.isEmpty ? nil : listen,
            receivers: receivers.map(\.value), routes: routes.map(\.value), maxDeliveryAge: maxDeliveryAge,
            webhookListen: webhookListen.isEmpty ? nil : webhookListen, inhibitRules: inhibitRules.map(\.value),
            httpAuth: httpAuth)
    }

    // MARK: - Values with ${VAR} expansion

    /// A string value with `${VAR}` expanded; an unset variable is reported at the value.
    func string(_ reader: MappingReader, _ key: String, required: Bool = false) -> String? {
        guard let node = reader.value(key) else {
            if required { reader.reportMissing(key) }
            return nil
        }
        return expanded(node, key: key)
    }

    func expanded(_ node: Node, key: String) -> String? {
        guard let raw = node.scalar?.string else {
            collector.add(node.diagnostic("'\(key)' must be a string, found \(node.kindDescription)", file: file))
            return nil
        }
        do {
            return try expansion.expand(raw)
        } catch {
            switch error {
            case .unset(let name):
                collector.add(node.diagnostic("'\(key)': environment variable \(name) is not set (use ${\(name):-default} for a default)", file: file))
            case .malformed(let text):
                collector.add(node.diagnostic("'\(key)': malformed variable reference '\(text)'", file: file))
            }
        }
        return nil
    }

    func stringList(_ reader: MappingReader, _ key: String) -> [String]? {
        guard let node = reader.value(key) else { return nil }
        guard case .sequence(let items) = node else {
            collector.add(node.diagnostic("'\(key)' must be a list, found \(node.kindDescription)", file: file))
            return nil
        }
        return items.compactMap { expanded($0, key: key) }
    }

    /// A secret given inline as `key` or read from the file named by `key_file` — not both.
    func secret(_ reader: MappingReader, _ key: String, required: Bool, owner: String) -> Secret? {
        let inlineNode = reader.value(key)
        let fileNode = reader.value(key + "_file")
        if let inlineNode, fileNode != nil {
            collector.add(inlineNode.diagnostic("\(owner): '\(key)' and '\(key)_file' are both set; keep one", file: file))
            return nil
        }
        if let fileNode {
            guard let path = expanded(fileNode, key: key + "_file") else { return nil }
            guard let data = FileManager.default.contents(atPath: resolveRelative(path)),
                  let text = String(data: data, encoding: .utf8) else {
                collector.add(fileNode.diagnostic("\(owner): cannot read '\(key)_file' \(path)", file: file))
                return nil
            }
            return Secret(text.trimmingCharacters(in: .newlines))
        }
        if let inlineNode, let value = expanded(inlineNode, key: key) {
            if value.isEmpty, required {
                collector.add(inlineNode.diagnostic("\(owner): '\(key)' is empty", file: file))
                return nil
            }
            return Secret(value)
        }
        if inlineNode == nil, required {
            reader.reportMissing(key)
        }
        return nil
    }

    func list<T>(_ reader: MappingReader, _ key: String, required: Bool = false,
                 _ read: (Node) -> T?) -> [(value: T, node: Node)] {
        guard let node = reader.value(key) else {
            if required { reader.reportMissing(key) }
            return []
        }
        guard case .sequence(let items) = node else {
            collector.add(node.diagnostic("'\(key)' must be a list, found \(node.kindDescription)", file: file))
            return []
        }
        if required, items.isEmpty {
            collector.add(node.diagnostic("'\(key)' must not be empty", file: file))
        }
        return items.compactMap { item in read(item).map { ($0, item) } }
    }

    func resolveRelative(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let directory = (file as NSString).deletingLastPathComponent
        return directory.isEmpty ? path : (directory as NSString).appendingPathComponent(path)
    }

    func checkUnique(_ names: [(String, Node)], what: String) {
        var seen: [String: Node] = [:]
        for (name, node) in names {
            if let first = seen[name] {
                collector.add(node.diagnostic("duplicate \(what) '\(name)' (first defined at line \(first.mark?.line ?? 0))", file: file))
            } else {
                seen[name] = node
            }
        }
    }

    func checkListen(_ listen: String, node: Node?, key: String = "listen") {
        let parts = listen.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 2, let port = Int(parts.last!), (0...65535).contains(port) else {
            if let node {
                let example = key == "listen" ? "127.0.0.1:9464" : "0.0.0.0:9465"
                collector.add(node.diagnostic("'\(key)' must be host:port, e.g. \(example), found '\(listen)'", file: file))
            }
            return
        }
    }
}
