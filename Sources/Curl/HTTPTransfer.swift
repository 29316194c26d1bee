import CCurl
import Foundation

/// One HTTP request on the loop thread: configures the easy handle, collects the response
/// through libcurl's callbacks and resumes the caller when done.
final class HTTPTransfer: LoopTransfer {
    let easy: CurlEasyHandle
    private let request: HTTPRequest
    private let continuation: CheckedContinuation<HTTPResponse, any Error>
    private var headers: [HTTPHeader] = []
    private var body = Data()
    private var exceededLimit = false

    init(_ request: HTTPRequest, continuation: CheckedContinuation<HTTPResponse, any Error>) throws {
        self.request = request
        self.continuation = continuation
        easy = try CurlEasyHandle(redactedURL: request.redactedURL)
        try configure()
    }

    private func configure() throws(CurlError) {
        try easy.set(CURLOPT_URL, request.url)
        // Only HTTP(S): a URL must not be able to turn this client into an FTP or file reader.
        try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try configureMethodAndBody()
        try easy.set(CURLOPT_HTTPHEADER, list: headerLines())
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, max(1, request.connectTimeout.curlMilliseconds))
        try easy.set(CURLOPT_TIMEOUT_MS, max(1, request.timeout.curlMilliseconds))
        try easy.set(CURLOPT_MAXFILESIZE_LARGE, offset: request.maxResponseBytes)
        // "" asks for every encoding this libcurl can decode (gzip, deflate, br, zstd).
        try easy.set(CURLOPT_ACCEPT_ENCODING, "")
        // HTTP/2 when the TLS handshake negotiates it; older libcurls without nghttp2 refuse
        // the option, and HTTP/1.1 is then the right fallback, so the error is ignored.
        _ = try? easy.set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS)
        try easy.set(CURLOPT_SSL_VERIFYPEER, request.tls.verifyPeer)
        try easy.set(CURLOPT_SSL_VERIFYHOST, request.tls.verifyPeer ? 2 : 0)
        if let caFile = request.tls.caFile {
            try easy.set(CURLOPT_CAINFO, caFile)
        }
        let context = Unmanaged.passUnretained(self).toOpaque()
        try easy.set(CURLOPT_WRITEDATA, pointer: context)
        try easy.set(CURLOPT_HEADERDATA, pointer: context)
        _ = ccurl_easy_setopt_write_function(easy.raw, httpTransferWriteBody)
        _ = ccurl_easy_setopt_header_function(easy.raw, httpTransferWriteHeader)
    }

    private func configureMethodAndBody() throws(CurlError) {
        let method = request.method.uppercased()
        if let body = request.body {
            // Size first: COPYPOSTFIELDS copies exactly that many bytes, so binary bodies
            // with NUL bytes survive and the Data need not outlive this call.
            try easy.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: body.count)
            let code = body.withUnsafeBytes { bytes in
                // An empty Data has no base address; libcurl needs a valid pointer anyway.
                ccurl_easy_setopt_pointer(
                    easy.raw, CURLOPT_COPYPOSTFIELDS,
                    UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(("" as StaticString).utf8Start)))
            }
            guard code == CURLE_OK else {
                throw CurlError(curlCode: code, url: easy.redactedURL, detail: "setting the request body failed")
            }
            if method != "POST" {
                try easy.set(CURLOPT_CUSTOMREQUEST, method)
            }
        } else if method == "HEAD" {
            try easy.set(CURLOPT_NOBODY, true)
        } else {
            try easy.set(CURLOPT_HTTPGET, true)
            if method != "GET" {
                try easy.set(CURLOPT_CUSTOMREQUEST, method)
            }
        }
    }

    private func headerLines() -> [String] {
        var lines = request.headers.map { header in
            // "Name;" is libcurl's spelling for "send this header with an empty value".
            header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)"
        }
        if !request.headers.contains(where: { $0.hasName("Expect") }) {
            lines.append("Expect:")
        }
        return lines
    }

    // MARK: - Callbacks (loop thread, from inside curl_multi_perform)

    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= request.maxResponseBytes else {
            exceededLimit = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    fileprivate func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            // A new status line starts a new header block (after 100 Continue, say):
            // only the final response's headers are reported.
            headers.removeAll()
        } else if let colon = line.firstIndex(of: ":") {
            let name = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
            let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            headers.append(HTTPHeader(name: name, value: value))
        }
    }

    // MARK: - LoopTransfer

    func complete(with code: CURLcode) {
        guard code == CURLE_OK else {
            abandon(throwing: error(for: code))
            return
        }
        let status = easy.long(CURLINFO_RESPONSE_CODE)
        continuation.resume(returning: HTTPResponse(status: status, headers: headers, body: body))
    }

    func abandon(throwing error: any Error) {
        continuation.resume(throwing: error)
    }

    private func error(for code: CURLcode) -> CurlError {
        let tooLarge = exceededLimit || code == CURLE_FILESIZE_EXCEEDED
        var detail = SecretScrubber.scrub(easy.errorDetail, removing: request.redaction.secrets(in: request.url))
        if tooLarge {
            detail = "response body exceeds the limit of \(request.maxResponseBytes) bytes"
        }
        return CurlError(
            curlCode: code, method: request.method, url: easy.redactedURL, detail: detail, responseTooLarge: tooLarge)
    }
}

private func httpTransferWriteBody(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context else { return 0 }
    let transfer = Unmanaged<HTTPTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    // Returning anything but `length` makes libcurl abort with CURLE_WRITE_ERROR.
    return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

private func httpTransferWriteHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context else { return 0 }
    let transfer = Unmanaged<HTTPTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}
