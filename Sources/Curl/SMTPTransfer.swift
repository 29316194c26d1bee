import CCurl
import Foundation

/// One SMTP submission on the loop thread: streams `SMTPMessage.data` through libcurl's
/// read callback and reports the server's final reply.
final class SMTPTransfer: LoopTransfer {
    let easy: CurlEasyHandle
    private let message: SMTPMessage
    private let continuation: CheckedContinuation<SMTPResult, any Error>
    private var uploaded = 0

    init(_ message: SMTPMessage, continuation: CheckedContinuation<SMTPResult, any Error>) throws {
        self.message = message
        self.continuation = continuation
        easy = try CurlEasyHandle(redactedURL: URLRedaction.standard.redact(message.url))
        try configure()
    }

    private func configure() throws(CurlError) {
        try easy.set(CURLOPT_URL, message.url)
        try easy.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        let useSSL =
            switch message.tls {
            case .required: CURLUSESSL_ALL
            case .opportunistic: CURLUSESSL_TRY
            case .none: CURLUSESSL_NONE
            }
        try easy.set(CURLOPT_USE_SSL, Int(useSSL.rawValue))
        try easy.set(CURLOPT_SSL_VERIFYPEER, message.tlsOptions.verifyPeer)
        try easy.set(CURLOPT_SSL_VERIFYHOST, message.tlsOptions.verifyPeer ? 2 : 0)
        if let caFile = message.tlsOptions.caFile {
            try easy.set(CURLOPT_CAINFO, caFile)
        }
        if let username = message.username {
            try easy.set(CURLOPT_USERNAME, username)
        }
        if let password = message.password {
            try easy.set(CURLOPT_PASSWORD, password)
        }
        try easy.set(CURLOPT_MAIL_FROM, message.mailFrom)
        try easy.set(CURLOPT_MAIL_RCPT, list: message.recipients)
        try easy.set(CURLOPT_UPLOAD, true)
        try easy.set(CURLOPT_INFILESIZE_LARGE, offset: message.data.count)
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, max(1, message.connectTimeout.curlMilliseconds))
        try easy.set(CURLOPT_TIMEOUT_MS, max(1, message.timeout.curlMilliseconds))
        // Alerts are rare: a fresh session per message, ended with QUIT, avoids reusing a
        // connection the server has silently dropped in between.
        try easy.set(CURLOPT_FORBID_REUSE, true)
        try easy.set(CURLOPT_READDATA, pointer: Unmanaged.passUnretained(self).toOpaque())
        _ = ccurl_easy_setopt_read_function(easy.raw, smtpTransferRead)
    }

    /// Copies the next part of the message into libcurl's buffer; 0 signals the end.
    fileprivate func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, message.data.count - uploaded)
        guard count > 0 else { return 0 }
        message.data.copyBytes(
            to: buffer.bindMemory(to: UInt8.self), from: uploaded..<uploaded + count)
        uploaded += count
        return count
    }

    // MARK: - LoopTransfer

    func complete(with code: CURLcode) {
        let replyCode = easy.long(CURLINFO_RESPONSE_CODE)
        guard code == CURLE_OK else {
            let secrets = [message.password].compactMap { $0 } + URLRedaction.standard.secrets(in: message.url)
            let detail = SecretScrubber.scrub(easy.errorDetail, removing: secrets)
            let transport = CurlError(curlCode: code, url: easy.redactedURL, detail: detail)
            continuation.resume(throwing: SMTPError(transport: transport, lastReplyCode: replyCode))
            return
        }
        continuation.resume(returning: SMTPResult(replyCode: replyCode))
    }

    func abandon(throwing error: any Error) {
        continuation.resume(throwing: error)
    }
}

private func smtpTransferRead(
    _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let buffer, let context else { return CCURL_READFUNC_ABORT }
    let transfer = Unmanaged<SMTPTransfer>.fromOpaque(context).takeUnretainedValue()
    return transfer.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
}
