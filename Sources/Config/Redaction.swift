import Foundation

/// How secrets are shown when they must be mentioned at all.
public enum Redaction {
    /// What stands in for a secret.
    public static let marker = "<redacted>"

    /// `https://hooks.slack.com/<redacted>`: the scheme and host say where it goes; the path,
    /// userinfo and query (which carry the credential) are hidden.
    public static func url(_ secret: Secret) -> String {
        guard let components = URLComponents(string: secret.revealed), let scheme = components.scheme,
              let host = components.host else {
            return marker
        }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)/\(marker)"
    }

    /// A libpq URI or conninfo string with its password removed.
    public static func databaseURL(_ secret: Secret) -> String {
        let text = secret.revealed
        if text.isEmpty { return "(libpq defaults: PG* environment variables)" }
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            guard var components = URLComponents(string: text) else { return marker }
            if components.password != nil { components.password = marker }
            components.queryItems = components.queryItems?.map { item in
                item.name == "password" ? URLQueryItem(name: item.name, value: marker) : item
            }
            return components.string ?? marker
        }
        // conninfo: key=value pairs; values may be single-quoted.
        let pattern = #"password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)"#
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { return marker }
        let range = NSRange(text.startIndex..., in: text)
        return regex.stringByReplacingMatches(in: text, range: range, withTemplate: "password=\(marker)")
    }
}
