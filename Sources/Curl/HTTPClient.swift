/// Sends HTTP requests through libcurl, many at once, without blocking Swift's thread pool.
///
/// All transfers of one client share a `curl_multi` handle driven by a dedicated thread,
/// so connections (and HTTP/2 streams) are reused across requests. Proxies follow libcurl's
/// usual `http_proxy` / `https_proxy` / `no_proxy` environment variables. Redirects are not
/// followed: a 3xx comes back as a response like any other status.
public final class HTTPClient: Sendable {
    /// A process-wide client for code that has no reason to own one.
    public static let shared = HTTPClient()

    private let loop: TransferLoop

    /// Creates a client with its own connection pool and transfer thread.
    ///
    /// - Parameter maxConnectionsPerHost: concurrent connections to one host; further
    ///   requests wait for a free connection (their `timeout` keeps running meanwhile).
    public init(maxConnectionsPerHost: Int = 16) {
        do {
            loop = try TransferLoop(name: "curl-http", maxConnectionsPerHost: maxConnectionsPerHost)
        } catch {
            // Only happens when libcurl cannot initialise at all (out of memory, broken
            // install); nothing in this process could send HTTP then.
            fatalError("HTTPClient: \(error)")
        }
    }

    deinit {
        loop.shutdown()
    }

    /// Performs `request` and returns the final response, whatever its status code.
    ///
    /// - Throws: `CurlError` when no complete response arrived (timeouts, connection and TLS
    ///   failures, oversized bodies), or `CancellationError` when the task was cancelled.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await loop.perform { continuation in
            try HTTPTransfer(request, continuation: continuation)
        }
    }
}
