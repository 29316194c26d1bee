/// A dotted path into a JSON document (`settings.tier`), split once so lookups are cheap.
public struct JSONPath: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The path as written, e.g. `waba_account.status`.
    public let description: String
    /// The path's steps, e.g. `["waba_account", "status"]`.
    public let components: [String]

    /// Splits a dotted path; empty steps (`a..b`, a leading dot) are kept and never match.
    public init(_ path: String) {
        description = path
        components = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    public init(stringLiteral value: String) { self.init(value) }

    /// Whether the path is well formed: non-empty steps of letters, digits, `_` or `-`.
    public var isWellFormed: Bool {
        !components.isEmpty && components.allSatisfy { step in
            !step.isEmpty && step.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        }
    }
}
