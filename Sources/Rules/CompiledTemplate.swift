import Foundation
import JSON

/// A rule template compiled for direct rendering: text, variables (`{{x}}`, `{{{x}}}`, `{{&x}}`)
/// and sections (`{{#x}}…{{/x}}`, `{{^x}}…{{/x}}`) on dotted names, which is all the shipped
/// rule files use. Rendering one fact this way takes well under a microsecond, against ~20 µs
/// through swift-mustache's dynamically typed renderer.
///
/// It renders exactly what swift-mustache renders for the same template and variables
/// (``RuleTemplate`` keeps the swift-mustache template to parse, validate and fall back on):
///
/// - ``init(_:)`` returns `nil` for anything outside the subset, so those templates are left to
///   swift-mustache: comments, partials, inheritance blocks, set-delimiter and pragma tags,
///   transforms (`{{f(x)}}`), names that would be looked up by reflection (`renderText`), tags
///   spanning lines, and every layout where Mustache's standalone-line rules could remove
///   whitespace or a line break (a section tag alone on its line, a whitespace-only first or
///   last line, line breaks other than `\n` and `\r\n`);
/// - ``render(_:)`` returns `nil` for a value it cannot print the way swift-mustache does
///   (a list or the whole variable set as `{{x}}`), and the caller renders with swift-mustache.
///
/// Semantics, as swift-mustache's (and the Mustache spec's): a name is looked up on the
/// context stack from the innermost section outwards, then its further dotted steps inside
/// what was found; a leading `.` looks only at the innermost context; `{{.}}` is the innermost
/// context. Nothing is escaped. Missing values and JSON `null` render as nothing and make a
/// section skip; `false` and empty lists skip a section, lists repeat it once per element
/// (`null` elements dropped), other values render it once with the value as context.
struct CompiledTemplate: Sendable {
    indirect enum Node: Sendable {
        case text(String)
        case variable(Name)
        case section(Name, [Node])
        case inverted(Name, [Node])
    }

    /// A tag's name, split once.
    struct Name: Sendable {
        /// `.` or a leading dot: look only at the innermost context.
        let innermostOnly: Bool
        /// The dotted steps; empty for `.` (the innermost context itself).
        let steps: [String]
        /// The first step as a top-level variable, when it is one.
        let variable: Variable?

        init(_ text: String) {
            innermostOnly = text.first == "."
            steps = text.split(separator: ".").map(String.init)
            variable = steps.first.flatMap(Variable.init(rawValue:))
        }
    }

    /// The top-level variables of ``TemplateVariables``.
    enum Variable: String, Sendable {
        case channel, previous, field, from, to, rule, severity, labels, status, resolved, webhook
        case partnerID = "partner_id"
        case observedAt = "observed_at"
    }

    let nodes: [Node]

    // MARK: Compiling

    /// Compiles `source`, which swift-mustache has already parsed; `nil` when the template uses
    /// anything outside the subset (see the type's documentation).
    init?(_ source: String) {
        let characters = Array(source)
        // Line breaks other than \n and \r\n: swift-mustache's parser treats them inconsistently.
        guard !characters.contains(where: { $0.isNewline && $0 != "\n" && $0 != "\r\n" }) else { return nil }
        // RuleTemplate puts a pragma tag before the source; when the first line is blank it is a
        // standalone tag and swift-mustache drops that line.
        let firstLine = characters.prefix { $0 != "\n" && $0 != "\r\n" }
        guard firstLine.contains(where: { $0 != " " && $0 != "\t" }) else { return nil }
        // Whitespace after the last line break is dropped by swift-mustache.
        if let lastBreak = characters.lastIndex(where: { $0 == "\n" || $0 == "\r\n" }) {
            let lastLine = characters[(lastBreak + 1)...]
            guard lastLine.isEmpty || lastLine.contains(where: { $0 != " " && $0 != "\t" }) else { return nil }
        }
        var scanner = Scanner(characters: characters)
        guard let nodes = scanner.parse(closing: nil), scanner.atEnd else { return nil }
        self.nodes = nodes
    }

    /// A single pass over the characters, building the node tree.
    private struct Scanner {
        let characters: [Character]
        var position = 0
        /// Whether a line break has been passed (the first line can hold no standalone tag here).
        var pastFirstLine = false
        /// Whether the current line holds anything but spaces and tabs before `position`.
        var lineHasContent = false

        init(characters: [Character]) { self.characters = characters }

        var atEnd: Bool { position == characters.count }

        static let nameCharacters = Set<Character>("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?*")

        func isBreak(_ character: Character) -> Bool { character == "\n" || character == "\r\n" }

        func opensTag(at index: Int) -> Bool {
            index + 1 < characters.count && characters[index] == "{" && characters[index + 1] == "{"
        }

        /// Nodes up to the end, or up to the `{{/name}}` closing `closing`.
        mutating func parse(closing: String?) -> [Node]? {
            var nodes: [Node] = []
            var text = ""
            func flush() {
                if !text.isEmpty { nodes.append(.text(text)) }
                text = ""
            }
            while !atEnd {
                guard opensTag(at: position) else {
                    let character = characters[position]
                    text.append(character)
                    if isBreak(character) {
                        pastFirstLine = true
                        lineHasContent = false
                    } else if character != " " && character != "\t" {
                        lineHasContent = true
                    }
                    position += 1
                    continue
                }
                flush()
                position += 2
                guard !atEnd else { return nil }
                let sigil = characters[position]
                let aloneBefore = pastFirstLine && !lineHasContent
                switch sigil {
                case "#", "^", "/":
                    position += 1
                    guard let name = readName() else { return nil }
                    // A section tag alone on its line: swift-mustache removes the line.
                    if aloneBefore && restOfLineIsBlank() { return nil }
                    lineHasContent = true
                    if sigil == "/" {
                        guard name == closing else { return nil }
                        return nodes
                    }
                    guard let children = parse(closing: name) else { return nil }
                    nodes.append(sigil == "#" ? .section(Name(name), children) : .inverted(Name(name), children))
                case "{":
                    position += 1
                    guard let name = readName(), !atEnd, characters[position] == "}" else { return nil }
                    position += 1
                    nodes.append(.variable(Name(name)))
                case "&":
                    position += 1
                    guard let name = readName() else { return nil }
                    nodes.append(.variable(Name(name)))
                case "!", ">", "<", "$", "=", "%":
                    return nil
                default:
                    guard let name = readName() else { return nil }
                    nodes.append(.variable(Name(name)))
                }
                lineHasContent = true
            }
            flush()
            return closing == nil ? nodes : nil
        }

        /// `  name  }}`: the name, or `nil` for a transform, a reflected name, a line break or a bad tag.
        mutating func readName() -> String? {
            skipSpaces()
            var name = ""
            while !atEnd, Self.nameCharacters.contains(characters[position]) {
                name.append(characters[position])
                position += 1
            }
            skipSpaces()
            guard !atEnd, characters[position] == "}", position + 1 < characters.count, characters[position + 1] == "}" else {
                return nil
            }
            position += 2
            // swift-mustache finds `renderText` on its text values by reflection; leave that to it.
            guard !name.split(separator: ".").contains("renderText") else { return nil }
            return name
        }

        mutating func skipSpaces() {
            while !atEnd, characters[position].isWhitespace {
                if characters[position].isNewline { return }
                position += 1
            }
        }

        /// Whether only spaces and tabs follow `position` up to a line break or the end.
        func restOfLineIsBlank() -> Bool {
            var index = position
            while index < characters.count, characters[index] == " " || characters[index] == "\t" { index += 1 }
            return index == characters.count || characters[index].isNewline
        }
    }

    // MARK: Rendering

    /// A value as a template sees it.
    enum Value {
        /// The top-level variables.
        case root
        case text(String)
        case flag(Bool)
        /// A JSON array; `null` elements are skipped.
        case list([JSONValue])
        /// A JSON object (or whatever document stands in for one).
        case document(JSONValue)

        init?(_ json: JSONValue) {
            switch json {
            case .null: return nil
            case .bool(let flag): self = .flag(flag)
            case .number, .string:
                guard let text = json.scalarText else { return nil }
                self = .text(text)
            case .array(let items): self = .list(items)
            case .object: self = .document(json)
            }
        }
    }

    /// Renders with `variables`; `nil` when a value has to be printed the way only swift-mustache knows.
    func render(_ variables: TemplateVariables) -> String? {
        var stack: [Value] = []
        var output = ""
        guard Self.render(nodes, variables, &stack, into: &output) else { return nil }
        return output
    }

    /// Renders `nodes`; `stack` holds the section contexts, innermost last, above the top-level variables.
    /// (Static, so the variables are borrowed rather than copied into a renderer.)
    private static func render(_ nodes: [Node], _ variables: TemplateVariables, _ stack: inout [Value],
                               into output: inout String) -> Bool {
        for node in nodes {
            switch node {
            case .text(let text):
                output += text
            case .variable(let name):
                guard let value = lookUp(name, variables, stack) else { continue }
                switch value {
                case .text(let text): output += text
                case .flag(let flag): output += flag ? "true" : "false"
                case .document(let document): output += TemplateDocument(document).renderText
                case .list, .root: return false
                }
            case .section(let name, let children):
                switch lookUp(name, variables, stack) {
                case nil, .flag(false):
                    continue
                case .flag(true):
                    guard render(children, variables, &stack, into: &output) else { return false }
                case .list(let items):
                    for item in items {
                        guard let element = Value(item) else { continue }
                        guard renderPushing(element, children, variables, &stack, into: &output) else { return false }
                    }
                case .some(let value):
                    guard renderPushing(value, children, variables, &stack, into: &output) else { return false }
                }
            case .inverted(let name, let children):
                switch lookUp(name, variables, stack) {
                case nil, .flag(false):
                    guard render(children, variables, &stack, into: &output) else { return false }
                case .list(let items):
                    guard !items.contains(where: { Value($0) != nil }) else { continue }
                    guard renderPushing(.list(items), children, variables, &stack, into: &output) else { return false }
                default:
                    continue
                }
            }
        }
        return true
    }

    private static func renderPushing(_ value: Value, _ nodes: [Node], _ variables: TemplateVariables,
                                      _ stack: inout [Value], into output: inout String) -> Bool {
        stack.append(value)
        defer { stack.removeLast() }
        return render(nodes, variables, &stack, into: &output)
    }

    /// The value a name stands for: its first step found on the stack, innermost first,
    /// then the further steps inside that value only.
    private static func lookUp(_ name: Name, _ variables: TemplateVariables, _ stack: [Value]) -> Value? {
        let innermost = stack.last ?? .root
        guard let first = name.steps.first else { return innermost }
        var value: Value
        if name.innermostOnly {
            guard let found = child(first, variable: name.variable, of: innermost, variables) else { return nil }
            value = found
        } else {
            var found: Value?
            for context in stack.reversed() {
                found = child(first, variable: name.variable, of: context, variables)
                if found != nil { break }
            }
            if found == nil { found = child(first, variable: name.variable, of: .root, variables) }
            guard let found else { return nil }
            value = found
        }
        for step in name.steps.dropFirst() {
            guard let next = child(step, variable: nil, of: value, variables) else { return nil }
            value = next
        }
        return value
    }

    /// One step of a name inside `context`; `variable` is the step's meaning at the top level.
    private static func child(_ step: String, variable: Variable?, of context: Value, _ variables: TemplateVariables) -> Value? {
        switch context {
        case .root:
            guard let variable = variable ?? Variable(rawValue: step) else { return nil }
            return topLevel(variable, variables)
        case .document(let document):
            guard case .object(let members) = document, let member = members[step] else { return nil }
            return Value(member)
        case .text, .flag, .list:
            // Text values, booleans and arrays have no members a template can name.
            return nil
        }
    }

    /// Mirrors ``TemplateVariables/child(named:)``.
    private static func topLevel(_ variable: Variable, _ variables: TemplateVariables) -> Value? {
        switch variable {
        case .channel: return .document(variables.channel)
        case .previous: return .document(variables.previous)
        case .field: return variables.field.map(Value.text)
        case .from: return variables.from.map(Value.text)
        case .to: return variables.to.map(Value.text)
        case .rule: return .text(variables.rule)
        case .severity: return .text(variables.severity.rawValue)
        case .labels: return .document(.object(variables.labels.mapValues(JSONValue.string)))
        case .partnerID: return .text(variables.partnerID)
        case .observedAt: return .text(variables.observedAt.formatted(.iso8601))
        case .status: return .text(variables.status.rawValue)
        case .resolved: return .flag(variables.status == .resolved)
        case .webhook: return variables.webhook.map { .document($0) }
        }
    }
}
