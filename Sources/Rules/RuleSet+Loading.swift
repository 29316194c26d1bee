import Foundation
import Yams
import YAMLSupport

extension RuleSet {
    /// Loads rule files and directories (their `*.yml`/`*.yaml` files, not recursively, sorted
    /// by name), validating everything and throwing every problem found as `FILE:LINE:COLUMN: message`.
    public static func load(paths: [String]) throws(Diagnostics) -> RuleSet {
        var problems: [Diagnostic] = []
        var documents: [(file: String, node: Node?)] = []
        for file in expand(paths: paths, problems: &problems) {
            do {
                documents.append((file, try YAMLFile.load(path: file)))
            } catch {
                problems.append(error)
            }
        }
        if paths.isEmpty {
            problems.append(Diagnostic(file: "rules", line: 0, column: 0,
                                       message: "no rule files given; name at least one file or directory"))
        }
        return try compile(documents, problems: problems)
    }

    /// Parses rule files given as text (`file` names them in diagnostics); used by tests and tools.
    public static func parse(_ sources: [(file: String, text: String)]) throws(Diagnostics) -> RuleSet {
        var problems: [Diagnostic] = []
        var documents: [(file: String, node: Node?)] = []
        for source in sources {
            do {
                documents.append((source.file, try YAMLFile.parse(source.text, file: source.file)))
            } catch {
                problems.append(error)
            }
        }
        return try compile(documents, problems: problems)
    }

    /// The rule files named by `paths`: files as given, directories expanded to their YAML files.
    static func expand(paths: [String], problems: inout [Diagnostic]) -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                problems.append(Diagnostic(file: path, line: 0, column: 0,
                                           message: "no such file or directory; check the rules path"))
                continue
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            let ruleFiles = names.filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted()
            if ruleFiles.isEmpty {
                problems.append(Diagnostic(file: path, line: 0, column: 0,
                                           message: "directory has no *.yml or *.yaml rule files"))
            }
            let directory = path.hasSuffix("/") ? path : path + "/"
            files += ruleFiles.map { directory + $0 }
        }
        return files
    }

    /// Validates parsed documents into a rule set: orders from every file first (rules in one
    /// file may use orders declared in another), then rules, then names across files.
    static func compile(_ documents: [(file: String, node: Node?)], problems: [Diagnostic]) throws(Diagnostics) -> RuleSet {
        let collector = DiagnosticCollector()
        problems.forEach(collector.add)
        var tops: [(file: String, reader: MappingReader)] = []
        for document in documents {
            guard let node = document.node else {
                collector.add(Diagnostic(file: document.file, line: 0, column: 0,
                                         message: "file is empty; expected a mapping with a 'rules:' list"))
                continue
            }
            tops.append((document.file, MappingReader(node, file: document.file, what: "a rule file", collector: collector)))
        }

        var declarations = OrderDeclarations()
        for top in tops where top.reader.isValid {
            if let node = top.reader.value("orders") {
                declarations.read(node, file: top.file, collector: collector)
            }
        }
        let orders = ValueOrder.builtIn.merging(declarations.orders) { _, declared in declared }

        var fields = FieldTable()
        var rules: [Rule] = []
        for top in tops where top.reader.isValid {
            let file = RuleFileReader(file: top.file, orders: orders, rejectedOrders: declarations.rejected, collector: collector)
            if let node = top.reader.value("rules") {
                rules += file.readRules(node, fields: &fields)
            } else if top.reader.keyNode("orders") == nil {
                top.reader.reportMissing("rules")
            }
            top.reader.finish()
        }
        checkUniqueNames(rules, collector: collector)
        if !collector.isEmpty { throw Diagnostics(collector.items) }
        return RuleSet(rules: rules, files: documents.map(\.file), orders: orders, fields: fields)
    }

    static func checkUniqueNames(_ rules: [Rule], collector: DiagnosticCollector) {
        var seen: [String: SourceLocation] = [:]
        for rule in rules {
            if let first = seen[rule.name] {
                collector.add(Diagnostic(file: rule.location.file, line: rule.location.line, column: rule.location.column,
                                         message: "duplicate rule name '\(rule.name)' (first defined at \(first)); rule names must be unique across all rule files"))
            } else {
                seen[rule.name] = rule.location
            }
        }
    }
}
