import CCurl

/// A failed libcurl transfer: what failed (`kind`, `code`), where (`url`, already redacted),
/// and a readable `message`. Non-2xx HTTP statuses are not errors; they come back as responses.
public struct CurlError: Error, CustomStringConvertible, Sendable {
    /// Broad classes of failure a caller can branch on; extensible without breaking `switch`es
    /// that end in `default`.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        /// Short stable name, e.g. `timeout`.
        public let name: String

        /// The connect or total timeout expired.
        public static let timeout = Kind(name: "timeout")
        /// DNS failure, connection refused or reset, or the peer closed without a complete reply.
        public static let connection = Kind(name: "connection")
        /// TLS handshake or certificate verification failed.
        public static let tls = Kind(name: "tls")
        /// The response body exceeded `HTTPRequest.maxResponseBytes`.
        public static let responseTooLarge = Kind(name: "responseTooLarge")
        /// The server answered with something libcurl could not accept as the protocol.
        public static let `protocol` = Kind(name: "protocol")
        /// The request itself is unusable: malformed URL, unsupported scheme, bad option.
        public static let invalidRequest = Kind(name: "invalidRequest")
        /// The server refused the credentials.
        public static let authentication = Kind(name: "authentication")
        /// Anything else libcurl reported.
        public static let other = Kind(name: "other")

        /// The kind's name.
        public var description: String { name }
    }

    /// The `CURLcode` (or `CURLMcode` when the multi interface failed) that libcurl returned.
    public var code: Int
    /// What class of failure this was.
    public var kind: Kind
    /// The request method (`GET`, `POST`, ...), when the failure belongs to an HTTP request.
    public var method: String?
    /// The request URL with credentials and secrets removed (see `URLRedaction`).
    public var url: String
    /// `curl_easy_strerror` plus libcurl's detailed error buffer, scrubbed of secrets.
    public var message: String
    /// True for failures worth retrying later: network errors and timeouts.
    public var isTransient: Bool

    /// Creates an error from explicit parts; `url` and `message` must already be redacted.
    public init(code: Int, kind: Kind, method: String? = nil, url: String, message: String, isTransient: Bool) {
        self.code = code
        self.method = method
        self.kind = kind
        self.url = url
        self.message = message
        self.isTransient = isTransient
    }

    /// Classifies a `CURLcode`; `detail` is libcurl's error buffer (already scrubbed).
    init(curlCode: CURLcode, method: String? = nil, url: String, detail: String, responseTooLarge: Bool = false) {
        let kind = responseTooLarge ? .responseTooLarge : Kind(classifying: curlCode)
        let summary = String(cString: curl_easy_strerror(curlCode))
        let message = detail.isEmpty || detail == summary ? summary : "\(summary): \(detail)"
        self.init(
            code: Int(curlCode.rawValue), kind: kind, method: method, url: url, message: message,
            isTransient: kind == .timeout || kind == .connection)
    }

    /// Reads like `GET https://host/path: timeout (curl 28: Timeout was reached: ...). Check ...`.
    public var description: String {
        let target = [method, url.isEmpty ? "libcurl" : url].compactMap { $0 }.joined(separator: " ")
        return "\(target): \(kind) (curl \(code): \(message)). \(advice)"
    }

    /// What an operator can do about this failure: the advice for its code where one code has a
    /// cause of its own, else for its kind.
    public var advice: String {
        CurlError.advice(forCode: code, url: url) ?? kind.advice
    }

    /// Advice for the result codes whose cause is specific enough to name.
    static func advice(forCode code: Int, url: String) -> String? {
        let smtp = url.hasPrefix("smtp://") || url.hasPrefix("smtps://")
        switch UInt32(clamping: code) {
        case CURLE_USE_SSL_FAILED.rawValue:
            return "The server does not offer STARTTLS, and TLS is required. Use smtps:// (TLS from the first byte, "
                + "usually port 465) if the server speaks it, or set require_tls: false for a local relay without TLS."
        case CURLE_SSL_CONNECT_ERROR.rawValue:
            return smtp
                ? "The TLS handshake failed: with smtps:// the port must speak TLS at once (usually 465); port 587 and 25 "
                    + "want smtp://, which upgrades with STARTTLS. Otherwise the server and libcurl share no TLS version or cipher."
                : "The TLS handshake failed: the port may not speak TLS (https:// to a plain-HTTP port?), "
                    + "or the server and libcurl share no TLS version or cipher."
        case CURLE_PEER_FAILED_VERIFICATION.rawValue:
            return "The server's certificate is not trusted or does not name this host. Check the host name in the URL, "
                + "and the certificate chain; a private CA needs its CA file configured."
        case CURLE_SSL_CACERT_BADFILE.rawValue:
            return "The CA file could not be read; check that its path exists and holds PEM certificates."
        case CURLE_COULDNT_RESOLVE_HOST.rawValue:
            return "The host name does not resolve; check its spelling and the DNS server (and http_proxy/https_proxy/no_proxy)."
        case CURLE_COULDNT_CONNECT.rawValue:
            return "Nothing accepted the connection at that host and port; check the port, that the server is up, and firewalls."
        case CURLE_GOT_NOTHING.rawValue:
            return "The server closed the connection without answering; check that the URL's port serves this protocol."
        case CURLE_SEND_ERROR.rawValue, CURLE_RECV_ERROR.rawValue:
            return "The connection broke during the transfer (reset by the server or the network); it is retried."
        case CURLE_WEIRD_SERVER_REPLY.rawValue:
            return smtp
                ? "The server did not answer as an SMTP server; check the host and port (465 for smtps://, 587 or 25 for smtp://)."
                : "The server did not answer as an HTTP server; check the URL's scheme and port."
        case CURLE_LOGIN_DENIED.rawValue:
            return "The server refused the username and password; check them (and whether it wants an app password)."
        case CURLE_UNSUPPORTED_PROTOCOL.rawValue:
            return "The URL's scheme is not one libcurl handles here; use https:// or http:// (smtp:// or smtps:// for email)."
        case CURLE_URL_MALFORMAT.rawValue:
            return "The URL is not well formed; check it."
        default:
            return nil
        }
    }
}

extension CurlError.Kind {
    /// Maps libcurl's result codes onto the handful of kinds callers act on.
    init(classifying code: CURLcode) {
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            self = .timeout
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT,
            CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE,
            CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_AGAIN, CURLE_PROXY:
            self = .connection
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_CRL_BADFILE, CURLE_SSL_SHUTDOWN_FAILED,
            CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_USE_SSL_FAILED:
            self = .tls
        case CURLE_FILESIZE_EXCEEDED:
            self = .responseTooLarge
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_BAD_FUNCTION_ARGUMENT,
            CURLE_UNKNOWN_OPTION, CURLE_NOT_BUILT_IN, CURLE_SETOPT_OPTION_SYNTAX:
            self = .invalidRequest
        case CURLE_LOGIN_DENIED, CURLE_AUTH_ERROR:
            self = .authentication
        case CURLE_WEIRD_SERVER_REPLY, CURLE_BAD_CONTENT_ENCODING, CURLE_TOO_MANY_REDIRECTS,
            CURLE_RANGE_ERROR, CURLE_HTTP_RETURNED_ERROR:
            self = .protocol
        default:
            self = .other
        }
    }

    /// What an operator can do about this kind of failure.
    var advice: String {
        switch self {
        case .timeout: "The server did not answer in time; check that it is up, or raise the timeout."
        case .connection: "Check the host, port, DNS and proxy settings (http_proxy/https_proxy/no_proxy)."
        case .tls: "Check the server certificate chain and host name, or configure the CA file that signed it."
        case .responseTooLarge: "Raise maxResponseBytes if such a large response is expected."
        case .protocol: "The server's reply did not follow the protocol; check the URL points at the right service."
        case .invalidRequest: "Fix the URL or request options."
        case .authentication: "Check the username and password."
        default: "See the libcurl message for details."
        }
    }
}
