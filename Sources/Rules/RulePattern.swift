import Foundation

/// A regular expression from a rule file, compiled once at load time.
public struct RulePattern: Sendable {
    /// The expression as written.
    public let source: String
    // NSRegularExpression is immutable after creation and documented thread-safe for matching.
    private let expression: NSRegularExpression
    /// The longest expression accepted, in UTF-8 bytes.
    public static let maximumLength = 10_000

    /// Compiles `source`; throws a message suitable for a diagnostic when it is not a valid expression.
    public init(_ source: String) throws(PatternError) {
        self.source = source
        // Compiling is superlinear in the worst case; rules need nothing near this long.
        guard source.utf8.count <= Self.maximumLength else {
            throw PatternError(message: "regular expression is longer than \(Self.maximumLength) bytes; shorten it")
        }
        do {
            expression = try NSRegularExpression(pattern: source)
        } catch {
            throw PatternError(message: "invalid regular expression '\(source.clipped())': \(Self.explain(source))")
        }
    }

    /// Foundation's error on Linux only says "the value is invalid"; Swift's own regex parser
    /// names the problem ("expected ')'"), so it is asked for the explanation.
    private static func explain(_ source: String) -> String {
        do {
            _ = try Regex(source)
            return "not accepted by the ICU regular expression engine"
        } catch {
            return "\(error)"
        }
    }

    /// Whether the text contains a match.
    public func matches(_ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

/// Why a regular expression in a rule file did not compile.
public struct PatternError: Error, Sendable {
    /// What is wrong with the expression.
    public let message: String
}
