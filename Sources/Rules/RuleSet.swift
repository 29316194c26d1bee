import JSON

/// Every rule from a set of rule files, validated and compiled, in file order.
public struct RuleSet: Sendable {
    /// The rules: files in the order they were loaded, rules in the order written.
    public let rules: [Rule]
    /// The files the rules came from, in load order.
    public let files: [String]
    /// The effective orders by field path: the built-in ones, overridden or extended by `orders:` in files.
    public let orders: [String: ValueOrder]
    let fields: FieldTable
    /// The fields compiled for resolving documents.
    let lookup: FieldLookup
    /// Position of each rule by name, so a channel's open alerts map to rules with one lookup each.
    let positions: [String: Int]

    init(rules: [Rule], files: [String], orders: [String: ValueOrder], fields: FieldTable) {
        self.rules = rules
        self.files = files
        self.orders = orders
        self.fields = fields
        lookup = fields.compiled()
        positions = Dictionary(rules.enumerated().map { ($0.element.name, $0.offset) }) { first, _ in first }
    }

    /// Every field path the rules read, in first-use order. A channel whose watched fields did
    /// not change can only make state rules with `for_polls` pending or `disappeared` rules move,
    /// so callers may fingerprint these fields to skip unchanged channels.
    public var watchedFields: [JSONPath] { fields.paths }

    /// The rule named `name`, if any.
    public func rule(named name: String) -> Rule? { rules.first { $0.name == name } }

    /// Names reserved for ChannelWatch's own system alerts; rule files may not use them.
    public static let reservedNames: Set<String> = ["poll_failing", "api_auth_failed", "delivery_dead"]

    /// A one-line summary for `check`: files, then rules by kind.
    public var summary: String {
        let counts = Dictionary(grouping: rules, by: \.kind.name).mapValues(\.count)
        let kinds = (["state", "change", "disappeared"] + (counts["webhook"] == nil ? [] : ["webhook"]))
            .map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ")
        let fileWord = files.count == 1 ? "file" : "files"
        let ruleWord = rules.count == 1 ? "rule" : "rules"
        return "\(files.count) rule \(fileWord), \(rules.count) \(ruleWord) (\(kinds))"
    }
}
