import Foundation

/// One HTTP request for `HTTPClient.send`: method, URL, headers, optional body and limits.
///
/// Proxies are not configured here on purpose: libcurl then honours the standard
/// `http_proxy`, `https_proxy` and `no_proxy` environment variables by itself.
public struct HTTPRequest: Sendable {
    /// The request method, e.g. `GET` or `POST`.
    public var method: String
    /// The absolute URL, including any query string.
    public var url: String
    /// Header fields to send, in order. An `Expect:` header is added (empty) unless given,
    /// so uploads are not delayed by `100-continue` round trips.
    public var headers: [HTTPHeader]
    /// The request body; `nil` sends none.
    public var body: Data?
    /// Limit for establishing the connection (TCP and TLS). Default 10 s.
    public var connectTimeout: Duration
    /// Limit for the whole transfer, including connecting and any queueing. Default 30 s.
    public var timeout: Duration
    /// Larger response bodies fail with `CurlError.Kind.responseTooLarge`. Default 16 MiB.
    public var maxResponseBytes: Int
    /// Certificate verification settings.
    public var tls: TLSOptions
    /// How the URL appears in errors.
    public var redaction: URLRedaction

    /// Creates a request; only `url` is required.
    public init(
        method: String = "GET",
        url: String,
        headers: [HTTPHeader] = [],
        body: Data? = nil,
        connectTimeout: Duration = .seconds(10),
        timeout: Duration = .seconds(30),
        maxResponseBytes: Int = 16 * 1024 * 1024,
        tls: TLSOptions = TLSOptions(),
        redaction: URLRedaction = .standard
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
        self.tls = tls
        self.redaction = redaction
    }

    /// Creates a request from `(name, value)` tuples, as a convenience for literal header lists.
    public init(
        method: String = "GET",
        url: String,
        headers: [(name: String, value: String)],
        body: Data? = nil,
        connectTimeout: Duration = .seconds(10),
        timeout: Duration = .seconds(30),
        maxResponseBytes: Int = 16 * 1024 * 1024,
        tls: TLSOptions = TLSOptions(),
        redaction: URLRedaction = .standard
    ) {
        self.init(
            method: method, url: url, headers: headers.map { HTTPHeader(name: $0.name, value: $0.value) },
            body: body, connectTimeout: connectTimeout, timeout: timeout,
            maxResponseBytes: maxResponseBytes, tls: tls, redaction: redaction)
    }

    /// The URL as it may appear in errors and logs.
    public var redactedURL: String { redaction.redact(url) }
}
