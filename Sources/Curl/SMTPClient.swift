/// Submits e-mail over SMTP through libcurl, off Swift's cooperative thread pool.
///
/// Uses its own `curl_multi` thread, so slow mail servers never delay HTTP traffic.
public final class SMTPClient: Sendable {
    /// A process-wide client.
    public static let shared = SMTPClient()

    private let loop: TransferLoop

    /// Creates a client with its own transfer thread.
    public init() {
        do {
            loop = try TransferLoop(name: "curl-smtp", maxConnectionsPerHost: 4)
        } catch {
            // Only happens when libcurl cannot initialise at all; no mail could be sent then.
            fatalError("SMTPClient: \(error)")
        }
    }

    deinit {
        loop.shutdown()
    }

    /// Sends `message` and returns the server's final reply.
    ///
    /// - Throws: `SMTPError` (transient or permanent, with the reply code when there was one),
    ///   or `CancellationError`.
    public func send(_ message: SMTPMessage) async throws -> SMTPResult {
        try await loop.perform { continuation in
            do {
                return try SMTPTransfer(message, continuation: continuation)
            } catch let error as CurlError {
                throw SMTPError(transport: error, lastReplyCode: 0)
            }
        }
    }
}
