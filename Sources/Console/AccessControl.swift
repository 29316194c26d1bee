import Config
import Crypto
import Dispatch
import Foundation
import HummingbirdBcrypt
import Primitives

/// Who may use the console, the JSON API and `/metrics`.
///
/// With `http_auth`, every request needs a user's password (HTTP Basic, bcrypt) or a bearer
/// token, reads and changes alike. Without it, anyone who reaches `listen` may read, and changes
/// (silences, retries) are accepted only from loopback. Cross-site forms are stopped by
/// ``CSRFToken``, not here.
public final class AccessControl: Sendable {
    /// Who made a request.
    public struct Principal: Sendable, Equatable {
        /// The user name or token name; `anonymous` without `http_auth`.
        public var name: String
        /// Whether credentials were checked (false without `http_auth`).
        public var authenticated: Bool

        public init(name: String, authenticated: Bool) {
            self.name = name
            self.authenticated = authenticated
        }
    }

    /// What to do with a request.
    public enum Verdict: Sendable, Equatable {
        case allowed(Principal)
        /// 401: credentials missing or wrong; `challenge` is the `WWW-Authenticate` value.
        case unauthenticated(challenge: String)
        /// 403: the credentials are fine (or not needed) but this request is not allowed.
        case forbidden(String)
    }

    /// Passwords verified recently, by a digest of user, password and hash: bcrypt takes tens of
    /// milliseconds by design, and a browser sends the password with every request.
    private let verified = LockedBox<[String: ContinuousClock.Instant]>([:])
    /// How long a verified password is trusted without checking the hash again.
    static let verifiedFor = Duration.seconds(300)
    /// Verified passwords remembered at most (a full cache is emptied).
    static let maximumVerified = 1_000

    public init() {}

    /// Decides on `request` under `auth` (`nil`: no `http_auth` configured).
    public func verdict(for request: ConsoleRequest, auth: HTTPAuthConfig?) async -> Verdict {
        guard let auth else {
            if request.isChange && !request.fromLoopback {
                return .forbidden("changes (silences, retries) are accepted only from loopback (127.0.0.1, ::1) "
                    + "while http_auth is not configured")
            }
            return .allowed(Principal(name: "anonymous", authenticated: false))
        }
        let challenge = auth.users.isEmpty ? #"Bearer realm="ChannelWatch""# : #"Basic realm="ChannelWatch", charset="UTF-8""#
        guard let header = request.header("authorization") else { return .unauthenticated(challenge: challenge) }
        if let token = Self.credential(header, scheme: "bearer") {
            for candidate in auth.bearerTokens where Self.constantTimeEqual(candidate.token.revealed, token) {
                return .allowed(Principal(name: candidate.name, authenticated: true))
            }
            return .unauthenticated(challenge: challenge)
        }
        if let encoded = Self.credential(header, scheme: "basic"),
           let decoded = Data(base64Encoded: encoded).flatMap({ String(data: $0, encoding: .utf8) }),
           let colon = decoded.firstIndex(of: ":") {
            let username = String(decoded[..<colon]), password = String(decoded[decoded.index(after: colon)...])
            if let user = auth.users.first(where: { $0.username == username }),
               await passwordMatches(password, user: user) {
                return .allowed(Principal(name: username, authenticated: true))
            }
        }
        return .unauthenticated(challenge: challenge)
    }

    /// The user name a Basic Authorization header names, for logs (never the password).
    static func basicUsername(_ request: ConsoleRequest) -> String? {
        guard let encoded = request.header("authorization").flatMap({ credential($0, scheme: "basic") }),
              let decoded = Data(base64Encoded: encoded).flatMap({ String(data: $0, encoding: .utf8) }),
              let colon = decoded.firstIndex(of: ":") else { return nil }
        return String(decoded[..<colon].prefix(64))
    }

    /// The credential after `scheme ` in an Authorization header (scheme in any case).
    private static func credential(_ header: String, scheme: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == scheme else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    private func passwordMatches(_ password: String, user: HTTPAuthConfig.User) async -> Bool {
        let key = SHA256.hash(data: Data("\(user.username)\u{0}\(password)\u{0}\(user.passwordHash.revealed)".utf8))
            .map { String(format: "%02x", $0) }.joined()
        let now = ContinuousClock.now
        if verified.withLock({ $0[key].map { $0 > now } ?? false }) { return true }
        let hash = Self.checkableHash(user.passwordHash.revealed)
        // bcrypt blocks its thread for tens of milliseconds: never on the cooperative pool.
        let matches = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: Bcrypt.verify(password, hash: hash)) }
        }
        if matches {
            verified.withLock { cache in
                if cache.count >= Self.maximumVerified { cache.removeAll() }
                cache[key] = now + Self.verifiedFor
            }
        }
        return matches
    }

    /// `$2y$` (Apache's htpasswd) is the same algorithm as `$2b$`, which the bcrypt library reads.
    static func checkableHash(_ hash: String) -> String {
        hash.hasPrefix("$2y$") ? "$2b$" + hash.dropFirst(4) : hash
    }

    /// Compares secrets by their digests, so the time taken says nothing about where they differ.
    static func constantTimeEqual(_ expected: String, _ given: String) -> Bool {
        let left = SHA256.hash(data: Data(expected.utf8)), right = SHA256.hash(data: Data(given.utf8))
        return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// A bcrypt hash of `password` at `cost` (4–31), for `http_auth` users.
    public static func hashPassword(_ password: String, cost: UInt8 = 12) -> String {
        Bcrypt.hash(password, cost: cost)
    }
}

/// The double-submit token that stops cross-site forms: a random value in a `SameSite=Strict`
/// cookie, repeated in a hidden field of every form; a form's change is accepted only when the
/// two agree. Another site can make a browser post a form, but it can neither read nor set the
/// cookie. JSON requests need no token: a cross-site page cannot send one without the
/// permission (CORS) the API never gives.
enum CSRFToken {
    static let cookieName = "cw_csrf"
    static let fieldName = "csrf"

    /// 32 random bytes, hex.
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// Whether a form's field matches the request's cookie.
    static func isValid(_ request: ConsoleRequest) -> Bool {
        guard let cookie = request.cookies[cookieName], cookie.count == 64,
              let field = request.form[fieldName] else { return false }
        return AccessControl.constantTimeEqual(cookie, field)
    }

    /// The cookie that carries `token`, for the browser to send back with forms.
    static func setCookie(_ token: String) -> String {
        "\(cookieName)=\(token); Path=/; SameSite=Strict; HttpOnly"
    }
}
