import Config
import Foundation
import JSON
import Testing

/// `http_auth:` read with its users and tokens (inline or `_file`), refused with FILE:LINE:COL
/// when a hash or token is unusable — never echoing either — and redacted in `check`'s output;
/// an open `listen` without it is warned about.
@Suite struct HTTPAuthConfigTests {
    let loader = ConfigLoaderTests()
    static let hash = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"

    @Test func usersAndTokensAreReadAndRedacted() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let tokenFile = try fixture.write("token", "file-token-abcdefghijklmnop\n")
        let (result, _) = try loader.load("""
            partners: [{id: p1, api_key: k}]
            listen: 0.0.0.0:9464
            http_auth:
              users:
                - {username: ana, password_hash: "\(Self.hash)"}
              bearer_tokens:
                - {name: grafana, token: inline-token-0123456789}
                - {name: script, token_file: \(tokenFile)}
            """)
        let config = try result.get()
        let auth = try #require(config.httpAuth)
        #expect(auth.users.map(\.username) == ["ana"] && auth.users[0].passwordHash.revealed == Self.hash)
        #expect(auth.bearerTokens.map(\.token.revealed) == ["inline-token-0123456789", "file-token-abcdefghijklmnop"])
        #expect(config.openConsoleWarning == nil, "protected")
        let text = String(decoding: try config.redacted.encoded(), as: UTF8.self)
        #expect(!text.contains("R9h/cIPz") && !text.contains("inline-token") && !text.contains("file-token"), "\(text)")
        #expect(text.contains("grafana") && text.contains("ana"))
    }

    @Test func unusableHashesAndTokensAreNamedWithoutTheirValues() throws {
        let found = try loader.errors("""
            partners: [{id: p1, api_key: k}]
            http_auth:
              users:
                - {username: ana, password_hash: "not-a-hash-SECRETPW"}
                - {username: "a:b", password_hash: "\(Self.hash)"}
                - {username: ana, password_hash: "\(Self.hash)"}
              bearer_tokens:
                - {name: short, token: SECRETSHORT}
                - {name: spaced, token: "SECRET with spaces inside"}
            """)
        #expect(found == [
            "F:4:38: http_auth user 'ana': 'password_hash' is not a bcrypt hash ($2a$, $2b$ or $2y$, cost 04–31, 60 characters); make one with `channelwatch hash-password` or `htpasswd -nBC 12 ana`",
            "F:5:18: http_auth user 'a:b': a username must be non-empty and have no ':'",
            "F:6:7: duplicate http_auth username 'ana' (first defined at line 4)",
            "F:8:28: http_auth bearer token 'short': a token must be at least 16 characters without spaces (e.g. `openssl rand -hex 32`)",
            "F:9:29: http_auth bearer token 'spaced': a token must be at least 16 characters without spaces (e.g. `openssl rand -hex 32`)",
        ], "\(found)")
        #expect(!found.joined().contains("SECRET"))
        let empty = try loader.errors("partners: [{id: p1, api_key: k}]\nhttp_auth: {}\n")
        #expect(empty.first?.contains("'http_auth' needs 'users'") == true, "\(empty)")
        let unknown = try loader.errors("partners: [{id: p1, api_key: k}]\nhttp_auth: {users: [], tokens: []}\n")
        #expect(unknown.first?.contains("unknown key 'tokens'") == true, "\(unknown)")
    }

    @Test func anOpenListenWithoutHTTPAuthIsWarnedAbout() throws {
        for (listen, warned) in [("0.0.0.0:9464", true), ("10.0.0.5:9464", true), ("[::]:9464", true), ("127.0.0.1:9464", false),
                                 ("localhost:9464", false), ("[::1]:9464", false)] {
            let config = try loader.load("partners: [{id: p1, api_key: k}]\nlisten: \"\(listen)\"\n").0.get()
            #expect((config.openConsoleWarning != nil) == warned, "\(listen)")
        }
        let open = try loader.load("partners: [{id: p1, api_key: k}]\nlisten: \"0.0.0.0:9464\"\n").0.get()
        #expect(open.openConsoleWarning?.contains("set 'http_auth' or listen on 127.0.0.1") == true)
    }
}
