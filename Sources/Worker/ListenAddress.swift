/// A `host:port` from the `listen` setting, checked before the server binds it.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// An IPv4 or IPv6 literal; `[::1]` is written without brackets here.
    public var host: String
    /// The TCP port; 0 lets the system choose.
    public var port: UInt16

    /// Parses `127.0.0.1:9090`, `0.0.0.0:9090`, `[::1]:9090` or `:9090` (all IPv4 interfaces).
    public init(parsing text: String) throws(ListenAddressError) {
        guard let colon = text.lastIndex(of: ":") else {
            throw ListenAddressError(text: text, problem: "expected host:port, e.g. 127.0.0.1:9090")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "0.0.0.0" }
        if host == "localhost" { host = "127.0.0.1" }
        guard let port = UInt16(text[text.index(after: colon)...]) else {
            throw ListenAddressError(text: text, problem: "the port must be a number from 0 to 65535")
        }
        self.host = host
        self.port = port
    }

    /// Whether the host is an IPv6 literal.
    public var isIPv6: Bool { host.contains(":") }

    /// `host:port`, with brackets around IPv6 hosts.
    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// The `listen` setting could not be read as `host:port`.
public struct ListenAddressError: Error, CustomStringConvertible {
    /// The setting's text.
    public var text: String
    /// What is wrong with it.
    public var problem: String

    /// `listen '...': problem`.
    public var description: String { "listen '\(text)': \(problem)" }
}
