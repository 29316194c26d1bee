import Config
import Foundation

/// Label matchers with their regular expressions compiled once: what routes, silences and
/// inhibition rules test labels with.
///
/// A label that is absent counts as the empty string, and `=~` must match the whole value
/// (anchored), as in Alertmanager.
public struct CompiledMatchers: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable after creation and documented thread-safe for matching.
    private let tests: [(label: String, equals: String?, regex: NSRegularExpression?)]

    /// Compiles the matchers; an invalid regular expression matches nothing (the config loader
    /// and the silence validation refuse them before they get here).
    public init(_ matchers: [LabelMatcher]) {
        tests = matchers.map { matcher in
            switch matcher.test {
            case .equals(let value):
                return (matcher.label, value, nil)
            case .matches(let pattern):
                return (matcher.label, nil, Self.regex(pattern))
            }
        }
    }

    /// Whether every matcher holds for these labels (true when there are none).
    public func matches(_ labels: [String: String]) -> Bool {
        tests.allSatisfy { test in
            let value = labels[test.label] ?? ""
            if let expected = test.equals { return value == expected }
            guard let regex = test.regex else { return false }
            return regex.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
        }
    }

    /// The anchored expression for a `=~` pattern; nil when it does not compile.
    public static func regex(_ pattern: String) -> NSRegularExpression? {
        try? NSRegularExpression(pattern: "^(?:\(pattern))$")
    }
}
