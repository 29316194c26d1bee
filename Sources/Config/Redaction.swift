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
            // userinfo password and a `password=` query parameter, replaced as text so the
            // marker stays readable (URLComponents would percent-encode it).
            return replacing(#"(?<=://)([^/@:]*):[^/@]*@"#, in: text, with: "$1:\(marker)@")
                .map { replacing(#"(?<=[?&])password=[^&]*"#, in: $0, with: "password=\(marker)") ?? marker } ?? marker
        }
        // conninfo: key=value pairs; values may be single-quoted.
        return replacing(#"password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)"#, in: text, with: "password=\(marker)") ?? marker
    }

    private static func replacing(_ pattern: String, in text: String, with template: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { return nil }
        return regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
    }
}
