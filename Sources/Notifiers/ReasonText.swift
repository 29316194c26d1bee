import Foundation

/// Builds the free-text parts of a `DeliveryOutcome` reason. Reasons are stored in the database
/// and logged, so anything a server echoes back is clipped, flattened to one line, and scrubbed
/// of every secret the receiver knows before it is kept.
struct ReasonText: Sendable {
    /// What stands in for a removed secret.
    static let mask = "***"

    /// Strings that must never appear in a reason (URL paths, signing keys, passwords).
    private let secrets: [String]

    /// Collects `secrets`, ignoring strings too short to be a credential (masking "a" or "/"
    /// would mangle ordinary words without protecting anything).
    init(secrets: [String]) {
        let candidates = secrets.flatMap { [$0, $0.removingPercentEncoding ?? $0] }.filter { $0.count >= 4 }
        self.secrets = Set(candidates).sorted { $0.count > $1.count }
    }

    /// The secrets hidden in a URL whose path or query is the credential (Slack, webhooks):
    /// the whole URL, its path and query, and each longer path segment on its own, since a
    /// server may echo just the token part.
    static func secrets(inCredentialURL url: String) -> [String] {
        var secrets = [url]
        guard let components = URLComponents(string: url) else { return secrets }
        let path = components.percentEncodedPath
        secrets.append(path)
        secrets.append(contentsOf: path.split(separator: "/").map(String.init).filter { $0.count >= 6 })
        if let query = components.percentEncodedQuery {
            secrets.append(query)
            secrets.append(contentsOf: query.split(separator: "&").map(String.init))
        }
        if let user = components.percentEncodedUser { secrets.append(user) }
        if let password = components.percentEncodedPassword { secrets.append(password) }
        return secrets
    }

    /// `text` with every known secret replaced by `***`.
    func scrub(_ text: String) -> String {
        var result = text
        for secret in secrets {
            result = result.replacingOccurrences(of: secret, with: Self.mask)
        }
        return result
    }

    /// A server's response body fit for a reason: one line, at most `limit` characters, scrubbed.
    ///
    /// Scrubbing happens before clipping too, so a secret cut in half by the clip cannot survive
    /// as an unrecognisable prefix.
    func excerpt(of body: String, limit: Int = 200) -> String {
        let flattened = scrub(body)
            .unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? " " : String($0) }
            .joined()
            .split(separator: " ", omittingEmptySubsequences: true)
            .joined(separator: " ")
        guard flattened.count > limit else { return flattened }
        return String(flattened.prefix(limit)) + "…"
    }
}
