import Config
import Foundation
import Testing
@testable import Console

/// Who may ask: open reads and loopback-only changes without `http_auth`; with it, a bcrypt
/// password or a bearer token for everything.
@Suite struct AccessControlTests {
    /// Cost 4: the lowest bcrypt allows, so the tests stay fast.
    static let hash = AccessControl.hashPassword("correct horse", cost: 4)
    static let auth = HTTPAuthConfig(users: [.init(username: "ana", passwordHash: Secret(hash))],
                                     bearerTokens: [.init(name: "grafana", token: Secret("t0ken-for-grafana-1234567890"))])

    static func request(_ method: String = "GET", authorization: String? = nil, fromLoopback: Bool = true) -> ConsoleRequest {
        ConsoleRequest(method: method, path: "/alerts", headers: authorization.map { ["Authorization": $0] } ?? [:],
                       fromLoopback: fromLoopback)
    }

    static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    @Test func withoutHTTPAuthReadsAreOpenAndChangesComeFromLoopbackOnly() async {
        let access = AccessControl()
        #expect(await access.verdict(for: Self.request(fromLoopback: false), auth: nil) == .allowed(.init(name: "anonymous", authenticated: false)))
        for method in ["POST", "DELETE", "PUT", "PATCH"] {
            guard case .forbidden(let reason) = await access.verdict(for: Self.request(method, fromLoopback: false), auth: nil) else {
                Issue.record("\(method) from elsewhere was not refused")
                continue
            }
            #expect(reason.contains("only from loopback"))
            #expect(await access.verdict(for: Self.request(method), auth: nil) == .allowed(.init(name: "anonymous", authenticated: false)))
        }
    }

    @Test func withHTTPAuthEveryRequestNeedsCredentialsEvenFromLoopback() async {
        let access = AccessControl()
        let challenge = #"Basic realm="ChannelWatch", charset="UTF-8""#
        #expect(await access.verdict(for: Self.request(), auth: Self.auth) == .unauthenticated(challenge: challenge))
        #expect(await access.verdict(for: Self.request(authorization: Self.basic("ana", "wrong")), auth: Self.auth)
                == .unauthenticated(challenge: challenge))
        #expect(await access.verdict(for: Self.request(authorization: Self.basic("bob", "correct horse")), auth: Self.auth)
                == .unauthenticated(challenge: challenge))
        #expect(await access.verdict(for: Self.request(authorization: "Bearer wrong-token-000000000000"), auth: Self.auth)
                == .unauthenticated(challenge: challenge))
        #expect(await access.verdict(for: Self.request(authorization: "Digest abc"), auth: Self.auth)
                == .unauthenticated(challenge: challenge))
        #expect(await access.verdict(for: Self.request("POST", authorization: Self.basic("ana", "correct horse"), fromLoopback: false),
                                     auth: Self.auth) == .allowed(.init(name: "ana", authenticated: true)),
                "signed in, changes come from anywhere")
        #expect(await access.verdict(for: Self.request(authorization: "bearer t0ken-for-grafana-1234567890"), auth: Self.auth)
                == .allowed(.init(name: "grafana", authenticated: true)))
        let tokensOnly = HTTPAuthConfig(bearerTokens: Self.auth.bearerTokens)
        #expect(await access.verdict(for: Self.request(), auth: tokensOnly) == .unauthenticated(challenge: #"Bearer realm="ChannelWatch""#))
    }

    @Test func apacheHashesAreReadAndAVerifiedPasswordIsRemembered() async {
        let apache = "$2y$" + Self.hash.dropFirst(4)
        let auth = HTTPAuthConfig(users: [.init(username: "ana", passwordHash: Secret(String(apache)))])
        let access = AccessControl()
        let signedIn = Self.request(authorization: Self.basic("ana", "correct horse"))
        #expect(await access.verdict(for: signedIn, auth: auth) == .allowed(.init(name: "ana", authenticated: true)))
        let started = ContinuousClock.now
        for _ in 0..<200 { _ = await access.verdict(for: signedIn, auth: auth) }
        #expect(ContinuousClock.now - started < .seconds(2), "the second and later requests skip bcrypt")
    }

    @Test func configReadsUsersAndTokensAndRefusesWeakOnes() {
        #expect(HTTPAuthConfig.isBcryptHash(Self.hash))
        #expect(!HTTPAuthConfig.isBcryptHash("$1$abc$def"))
        #expect(!HTTPAuthConfig.isBcryptHash("$2b$03$" + String(repeating: "a", count: 53)), "cost below 4")
        #expect(!HTTPAuthConfig.isBcryptHash("plain-password"))
    }
}
