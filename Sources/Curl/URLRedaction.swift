import Foundation

/// How a request URL is shown in errors and logs, so credentials never leak through them.
public enum URLRedaction: Sendable, Hashable {
    /// Drops userinfo (`user:pass@`) and masks the values of secret-looking query parameters
    /// (`key`, `token`, `secret`, `password`, `signature`, `api_key`, `access_token`, `sig`, ...).
    case standard
    /// Shows only `scheme://host[:port]/***`: for URLs whose path is itself a credential,
    /// such as Slack incoming-webhook URLs.
    case hidePath

    static let mask = "***"

    /// Query parameter names whose values are always masked.
    static let secretParameterNames: Set<String> = [
        "key", "token", "secret", "password", "passwd", "pwd", "signature", "sig",
        "api_key", "apikey", "access_token", "refresh_token", "client_secret", "auth",
    ]

    /// Masks parameters named exactly as above, or containing one of these words.
    static let secretParameterFragments = ["token", "secret", "password", "apikey", "api_key", "signature"]

    /// Returns `url` in the redacted form this mode prescribes.
    ///
    /// A URL that cannot be parsed is replaced entirely: showing it raw could leak a secret.
    public func redact(_ url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme,
            let host = components.percentEncodedHost
        else {
            return "<unparseable URL>"
        }
        var origin = "\(scheme)://\(host)"
        if let port = components.port {
            origin += ":\(port)"
        }
        switch self {
        case .hidePath:
            return origin + "/" + Self.mask
        case .standard:
            var result = origin + components.percentEncodedPath
            if let items = components.percentEncodedQueryItems {
                let masked = items.map { item -> String in
                    guard let value = item.value else { return item.name }
                    return "\(item.name)=\(Self.isSecretParameter(item.name) ? Self.mask : value)"
                }
                result += "?" + masked.joined(separator: "&")
            }
            return result
        }
    }

    /// The substrings of `url` that this mode hides; used to scrub free-text messages
    /// (libcurl's error buffer) that might echo part of the URL.
    func secrets(in url: String) -> [String] {
        guard let components = URLComponents(string: url) else { return [url] }
        var secrets: [String] = []
        if let user = components.percentEncodedUser { secrets.append(user) }
        if let password = components.percentEncodedPassword { secrets.append(password) }
        for item in components.percentEncodedQueryItems ?? [] {
            if let value = item.value, Self.isSecretParameter(item.name) || self == .hidePath {
                secrets.append(value)
                secrets.append(value.removingPercentEncoding ?? value)
            }
        }
        if self == .hidePath, components.percentEncodedPath.count > 1 {
            secrets.append(components.percentEncodedPath)
        }
        return secrets
    }

    static func isSecretParameter(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return secretParameterNames.contains(lowered)
            || secretParameterFragments.contains { lowered.contains($0) }
    }
}

/// Replaces every occurrence of the given secrets in free text with `***`.
enum SecretScrubber {
    static func scrub(_ text: String, removing secrets: [String]) -> String {
        // Longest first, so a secret that contains another is masked whole; skip tiny
        // strings that would mangle ordinary words without protecting anything real.
        let candidates = Set(secrets.filter { $0.count >= 3 }).sorted { $0.count > $1.count }
        var result = text
        for secret in candidates {
            result = result.replacingOccurrences(of: secret, with: URLRedaction.mask)
        }
        return result
    }
}
