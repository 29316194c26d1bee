/// Expands `${VAR}` and `${VAR:-default}` in configuration values from the environment.
public struct EnvironmentExpansion: Sendable {
    /// The variables to expand from (the process environment in production, a dictionary in tests).
    public var environment: [String: String]

    public init(environment: [String: String]) { self.environment = environment }

    /// The problem with one `${...}` reference.
    public enum Failure: Error, Equatable {
        /// `${NAME}` without a default, and NAME is not set.
        case unset(String)
        /// `${` without a closing `}` or with an invalid name.
        case malformed(String)
    }

    /// Expands every reference in `text`; `$$` stands for a literal `$`.
    public func expand(_ text: String) throws(Failure) -> String {
        guard text.contains("$") else { return text }
        var result = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let afterDollar = rest.index(after: dollar)
            if afterDollar < rest.endIndex, rest[afterDollar] == "$" {
                result += "$"
                rest = rest[rest.index(after: afterDollar)...]
                continue
            }
            guard afterDollar < rest.endIndex, rest[afterDollar] == "{" else {
                result += "$"
                rest = rest[afterDollar...]
                continue
            }
            guard let close = rest[afterDollar...].firstIndex(of: "}") else {
                throw .malformed(String(rest[dollar...]))
            }
            let body = rest[rest.index(after: afterDollar)..<close]
            result += try value(of: body)
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// `message` with the value of every variable `text` refers to written as `${NAME}` again:
    /// a diagnostic quotes values as expanded, and a variable may hold a secret even where the
    /// key is not one (`first_poll: ${D360_API_KEY}` by mistake).
    public func hidingValues(referencedIn text: String, from message: String) -> String {
        var values: [(name: String, value: String)] = []
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            let name = rest[start.upperBound...].prefix { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
            if let value = environment[String(name)], value.count >= 3 { values.append((String(name), value)) }
            rest = rest[start.upperBound...]
        }
        var hidden = message
        for (name, value) in values.sorted(by: { $0.value.count > $1.value.count }) {
            hidden = hidden.replacingOccurrences(of: value, with: "${\(name)}")
        }
        return hidden
    }

    private func value(of reference: Substring) throws(Failure) -> String {
        let name: Substring
        var fallback: Substring?
        if let separator = reference.range(of: ":-") {
            name = reference[..<separator.lowerBound]
            fallback = reference[separator.upperBound...]
        } else {
            name = reference
        }
        guard let first = name.first, first == "_" || first.isLetter,
              name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }) else {
            throw .malformed("${\(reference)}")
        }
        if let value = environment[String(name)], !(fallback != nil && value.isEmpty) {
            return value
        }
        if let fallback { return String(fallback) }
        throw .unset(String(name))
    }
}
