import Foundation
import Yams

/// Reads YAML text into a node tree that keeps line and column marks, turning libyaml's
/// errors into ``Diagnostic``s that name the file.
public enum YAMLFile {
    /// Reads and parses a file; an unreadable file or bad YAML is a diagnostic naming it.
    public static func load(path: String) throws(Diagnostic) -> Node? {
        try parse(try readText(path: path), file: path)
    }

    /// A file's text; an unreadable file or one that is not UTF-8 is a diagnostic naming it.
    public static func readText(path: String) throws(Diagnostic) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Diagnostic(file: path, line: 0, column: 0, message: "cannot read file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Diagnostic(file: path, line: 0, column: 0, message: "file is not valid UTF-8")
        }
        return text
    }

    /// Parses YAML text; `nil` for an empty document.
    public static func parse(_ text: String, file: String) throws(Diagnostic) -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw diagnostic(for: error, file: file)
        } catch {
            throw Diagnostic(file: file, line: 0, column: 0, message: "invalid YAML: \(error)")
        }
    }

    static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
        switch error {
        case let .scanner(context, problem, mark, _),
             let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let prefix = context.map { "\($0.text): " } ?? ""
            return Diagnostic(file: file, line: mark.line, column: mark.column,
                              message: "invalid YAML: \(prefix)\(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return Diagnostic(file: file, line: context.mark.line, column: context.mark.column,
                              message: "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", "))")
        case let .reader(problem, _, _, _):
            return Diagnostic(file: file, line: 0, column: 0, message: "invalid YAML: \(problem)")
        default:
            return Diagnostic(file: file, line: 0, column: 0, message: "invalid YAML: \(error)")
        }
    }
}

extension Node {
    /// A diagnostic located at this node.
    public func diagnostic(_ message: String, file: String) -> Diagnostic {
        Diagnostic(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, message: message)
    }

    /// A short name of the node's kind for messages ("a mapping", "a list", "a string").
    public var kindDescription: String {
        switch self {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar: return "a scalar"
        case .alias: return "an alias"
        }
    }
}
