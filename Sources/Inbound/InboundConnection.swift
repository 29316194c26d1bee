import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One connection of the inbound listener: reads requests with deadlines and limits, writes
/// responses. Used by one thread at a time.
struct InboundConnection {
    let descriptor: Int32
    /// Bytes read from the socket and not consumed yet (the start of the next request, say).
    private var buffer: [UInt8] = []
    /// What one `recv` reads into, allocated once per connection rather than once per read.
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    init(descriptor: Int32) { self.descriptor = descriptor }

    /// What reading one request gave.
    enum ReadResult {
        /// A request (its body possibly cut at the limit: `bodyTooLarge`), and whether the
        /// client allows another on this connection.
        case request(InboundHTTPRequest, keepAlive: Bool)
        /// Not a request this server takes: answer this and close.
        case refused(InboundHTTPResponse)
        /// The client went away, or sent nothing within the idle timeout.
        case closed
    }

    /// Reads the next request: its first byte within `idleTimeout`, all of it within `deadline`.
    mutating func readRequest(idleTimeout: Duration, deadline: Duration, maximumHead: Int, maximumBody: Int) -> ReadResult {
        if buffer.isEmpty, fill(until: .now + idleTimeout) != .data { return .closed }
        let requestDeadline = ContinuousClock.now + deadline
        var headEnd: Int?
        while true {
            headEnd = Self.endOfHead(in: buffer)
            if headEnd != nil { break }
            if buffer.count > maximumHead { return .refused(.error(431, "the request head is over 16 KiB")) }
            switch fill(until: requestDeadline) {
            case .data: continue
            case .timedOut: return .refused(.error(408, "the request did not arrive within 10 s"))
            case .closed: return .closed
            }
        }
        guard let headEnd, headEnd <= maximumHead else { return .refused(.error(431, "the request head is over 16 KiB")) }
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        guard let parsed = Self.parseHead(head) else { return .refused(.error(400, "malformed request head")) }
        var request = InboundHTTPRequest(method: parsed.method, path: parsed.path, headers: parsed.headers, body: Data())
        let keepAlive = Self.keepsAlive(version: parsed.version, connection: request.header("connection"))

        let transferEncoding = request.header("transfer-encoding")?.lowercased().trimmingCharacters(in: .whitespaces)
        let contentLength = request.header("content-length")
        if transferEncoding != nil, contentLength != nil {
            return .refused(.error(400, "both Content-Length and Transfer-Encoding are set"))
        }
        if let transferEncoding {
            guard transferEncoding == "chunked" else {
                return .refused(.error(501, "only the chunked transfer coding is supported"))
            }
            continueIfExpected(request)
            switch readChunked(limit: maximumBody, deadline: requestDeadline) {
            case .body(let body):
                request.body = body
            case .tooLarge:
                request.bodyTooLarge = true
                return .request(request, keepAlive: false)
            case .malformed:
                return .refused(.error(400, "malformed chunked body"))
            case .timedOut:
                return .refused(.error(408, "the request did not arrive within 10 s"))
            case .closed:
                return .closed
            }
            return .request(request, keepAlive: keepAlive)
        }
        guard let length = Int(contentLength ?? "0"), length >= 0 else {
            return .refused(.error(400, "malformed Content-Length"))
        }
        if length > maximumBody {
            // Answered without reading the body; the connection closes after the answer.
            request.bodyTooLarge = true
            return .request(request, keepAlive: false)
        }
        continueIfExpected(request)
        while buffer.count < length {
            switch fill(until: requestDeadline) {
            case .data: continue
            case .timedOut: return .refused(.error(408, "the request did not arrive within 10 s"))
            case .closed: return .closed
            }
        }
        request.body = Data(buffer[..<length])
        buffer.removeFirst(length)
        return .request(request, keepAlive: keepAlive)
    }

    /// Writes `response` (all of it, unless the client is gone).
    mutating func send(_ response: InboundHTTPResponse, close: Bool) {
        write(response.encoded(close: close))
    }

    private mutating func continueIfExpected(_ request: InboundHTTPRequest) {
        if request.header("expect")?.lowercased() == "100-continue" {
            write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
    }

    private func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }

    // MARK: Reading

    enum Fill { case data, timedOut, closed }

    /// Reads what has arrived, waiting until `deadline` at most.
    private mutating func fill(until deadline: ContinuousClock.Instant) -> Fill {
        while true {
            let remaining = deadline - .now
            guard remaining > .zero else { return .timedOut }
            var descriptorState = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
            let ready = poll(&descriptorState, 1, milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                return .closed
            }
            if ready == 0 { return .timedOut }
            let descriptor = self.descriptor
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return .closed }
            buffer.append(contentsOf: chunk[..<count])
            return .data
        }
    }

    enum Chunked { case body(Data), tooLarge, malformed, timedOut, closed }

    /// A chunked body, stopping as soon as it passes `limit`.
    private mutating func readChunked(limit: Int, deadline: ContinuousClock.Instant) -> Chunked {
        var body = Data()
        while true {
            guard let line = readLine(deadline: deadline) else { return buffer.isEmpty ? .closed : .timedOut }
            let sizeText = line.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard let size = Int(sizeText, radix: 16), size >= 0 else { return .malformed }
            if size == 0 {
                // Trailer lines up to the empty one.
                while let trailer = readLine(deadline: deadline) {
                    if trailer.isEmpty { return .body(body) }
                }
                return .timedOut
            }
            guard body.count + size <= limit else { return .tooLarge }
            while buffer.count < size + 2 {
                switch fill(until: deadline) {
                case .data: continue
                case .timedOut: return .timedOut
                case .closed: return .closed
                }
            }
            body.append(contentsOf: buffer[..<size])
            guard buffer[size] == UInt8(ascii: "\r"), buffer[size + 1] == UInt8(ascii: "\n") else { return .malformed }
            buffer.removeFirst(size + 2)
        }
    }

    /// One CRLF-terminated line (at most 1 KiB), nil on timeout, close or an overlong line.
    private mutating func readLine(deadline: ContinuousClock.Instant) -> String? {
        while true {
            if let end = Self.index(of: [13, 10], in: buffer) {
                let line = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(end + 2)
                return line
            }
            guard buffer.count <= 1024, fill(until: deadline) == .data else { return nil }
        }
    }

    // MARK: Parsing

    struct Head {
        var method: String
        var path: String
        var version: String
        var headers: [String: String]
    }

    /// The request line and headers; nil when either is malformed.
    static func parseHead(_ text: String) -> Head? {
        var lines = text.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard requestLine.count == 3, ["HTTP/1.1", "HTTP/1.0"].contains(requestLine[2]), !requestLine[0].isEmpty,
              requestLine[1].hasPrefix("/") else {
            return nil
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex,
                  !line[..<colon].contains(where: \.isWhitespace) else {
                return nil
            }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Head(method: String(requestLine[0]), path: String(requestLine[1]), version: String(requestLine[2]),
                    headers: headers)
    }

    static func keepsAlive(version: String, connection: String?) -> Bool {
        let connection = connection?.lowercased() ?? ""
        return version == "HTTP/1.1" ? !connection.contains("close") : connection.contains("keep-alive")
    }

    static func endOfHead(in bytes: [UInt8]) -> Int? { index(of: [13, 10, 13, 10], in: bytes) }

    static func index(of pattern: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        for start in 0...(bytes.count - pattern.count) where bytes[start] == pattern[0] {
            if bytes[start..<(start + pattern.count)].elementsEqual(pattern) { return start }
        }
        return nil
    }
}
