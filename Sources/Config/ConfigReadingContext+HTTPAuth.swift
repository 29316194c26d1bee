import YAMLSupport
import Yams

extension ConfigReadingContext {
    /// `http_auth: {users: [{username, password_hash}], bearer_tokens: [{name, token}]}`; each
    /// secret also as `<key>_file`. Problems name the entry, never the hash or token.
    func readHTTPAuth(_ node: Node) -> HTTPAuthConfig? {
        let reader = MappingReader(node, file: file, what: "'http_auth'", collector: collector)
        guard reader.isValid else { return nil }
        let users = list(reader, "users") { readHTTPUser($0) }
        let tokens = list(reader, "bearer_tokens") { readBearerToken($0) }
        reader.finish()
        checkUnique(users.map { ($0.value.username, $0.node) }, what: "http_auth username")
        checkUnique(tokens.map { ($0.value.name, $0.node) }, what: "http_auth bearer token name")
        if users.isEmpty, tokens.isEmpty, reader.value("users") == nil, reader.value("bearer_tokens") == nil {
            collector.add(node.diagnostic("'http_auth' needs 'users' (username and bcrypt password_hash) or 'bearer_tokens', "
                + "or both; remove it to leave the console open to whoever reaches 'listen'", file: file))
        }
        return HTTPAuthConfig(users: users.map(\.value), bearerTokens: tokens.map(\.value))
    }

    private func readHTTPUser(_ node: Node) -> HTTPAuthConfig.User? {
        let reader = MappingReader(node, file: file, what: "an http_auth user", collector: collector)
        guard reader.isValid else { return nil }
        let username = string(reader, "username", required: true)
        let owner = "http_auth user '\(username ?? "?")'"
        let hash = secret(reader, "password_hash", required: true, owner: owner)
        reader.finish()
        guard let username, let hash else { return nil }
        if username.isEmpty || username.contains(":") {
            collector.add(reader.value("username")!.diagnostic("\(owner): a username must be non-empty and have no ':'", file: file))
        }
        if !HTTPAuthConfig.isBcryptHash(hash.revealed), let hashNode = reader.value("password_hash") ?? reader.value("password_hash_file") {
            collector.add(hashNode.diagnostic("\(owner): 'password_hash' is not a bcrypt hash ($2a$, $2b$ or $2y$, cost 04–31, "
                + "60 characters); make one with `channelwatch hash-password` or `htpasswd -nBC 12 \(username)`", file: file))
        }
        return HTTPAuthConfig.User(username: username, passwordHash: hash)
    }

    private func readBearerToken(_ node: Node) -> HTTPAuthConfig.BearerToken? {
        let reader = MappingReader(node, file: file, what: "an http_auth bearer token", collector: collector)
        guard reader.isValid else { return nil }
        let name = string(reader, "name", required: true)
        let owner = "http_auth bearer token '\(name ?? "?")'"
        let token = secret(reader, "token", required: true, owner: owner)
        reader.finish()
        guard let name, let token else { return nil }
        if token.revealed.count < HTTPAuthConfig.minimumTokenLength || token.revealed.contains(where: \.isWhitespace),
           let tokenNode = reader.value("token") ?? reader.value("token_file") {
            collector.add(tokenNode.diagnostic("\(owner): a token must be at least \(HTTPAuthConfig.minimumTokenLength) "
                + "characters without spaces (e.g. `openssl rand -hex 32`)", file: file))
        }
        return HTTPAuthConfig.BearerToken(name: name, token: token)
    }
}
