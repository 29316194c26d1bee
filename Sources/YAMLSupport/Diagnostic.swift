/// One problem found in an input file, located as `FILE:LINE:COLUMN: message`.
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible, Comparable {
    /// The file as the user named it (relative paths stay relative).
    public var file: String
    /// 1-based line, 0 when unknown.
    public var line: Int
    /// 1-based column, 0 when unknown.
    public var column: Int
    /// What is wrong and, where possible, what to do about it.
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        line > 0 ? "\(file):\(line):\(column): \(message)" : "\(file): \(message)"
    }

    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        (lhs.file, lhs.line, lhs.column, lhs.message) < (rhs.file, rhs.line, rhs.column, rhs.message)
    }
}

/// Every problem found in one or more input files; thrown when any is present.
public struct Diagnostics: Error, Sendable, CustomStringConvertible {
    /// The problems, sorted by file, line and column.
    public var items: [Diagnostic]

    public init(_ items: [Diagnostic]) { self.items = items.sorted() }

    /// One problem per line.
    public var description: String { items.map(\.description).joined(separator: "\n") }
}

/// Collects diagnostics while a file is read, so that all problems are reported, not just the first.
public final class DiagnosticCollector {
    /// The problems collected so far, in the order found.
    public private(set) var items: [Diagnostic] = []

    public init() {}

    /// Records one problem.
    public func add(_ diagnostic: Diagnostic) { items.append(diagnostic) }

    /// Whether any problem was recorded.
    public var isEmpty: Bool { items.isEmpty }

    /// Throws every collected problem at once, if there is any.
    public func throwIfAny() throws {
        if !items.isEmpty { throw Diagnostics(items) }
    }
}
