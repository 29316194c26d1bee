import Foundation

/// Serves one connection of an `HTTPSink`: parses requests, applies their actions,
/// and keeps the connection alive between requests.
struct HTTPSinkSession {
    let connection: SinkConnection
    let recorder: HTTPSinkRecorder

    func run() {
        while let request = readRequest() {
            switch recorder.record(request) {
            case .respond(let response):
                guard send(response, to: request) else { return }
            case .respondAfter(let delay, let response):
                guard connection.pause(for: delay), send(response, to: request) else { return }
            case .hang:
                connection.drainUntilClosed()
                return
            case .dropConnection:
                return
            }
            if request.header("Connection")?.lowercased() == "close" { return }
        }
    }

    private func readRequest() -> RecordedHTTPRequest? {
        var requestLine = ""
        // Tolerate stray empty lines between requests (RFC 9112 §2.2).
        while requestLine.isEmpty {
            guard let line = connection.readLine() else { return nil }
            requestLine = line
        }
        let parts = requestLine.split(separator: " ", maxSplits: 2).map(String.init)
        guard parts.count == 3 else { return nil }
        var headers: [HTTPSinkHeader] = []
        while let line = connection.readLine(), !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append(
                HTTPSinkHeader(
                    String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                    String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
        }
        var request = RecordedHTTPRequest(method: parts[0], target: parts[1], headers: headers, body: Data(), connectionNumber: connection.number)
        if request.header("Expect")?.lowercased() == "100-continue" {
            connection.write("HTTP/1.1 100 Continue\r\n\r\n")
        }
        if request.header("Transfer-Encoding")?.lowercased().contains("chunked") == true {
            guard let body = readChunkedBody() else { return nil }
            request.body = body
        } else if let length = request.header("Content-Length").flatMap(Int.init), length > 0 {
            guard let body = connection.readExactly(length) else { return nil }
            request.body = body
        }
        return request
    }

    private func readChunkedBody() -> Data? {
        var body = Data()
        while true {
            guard let sizeLine = connection.readLine() else { return nil }
            let hex = sizeLine.prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces)
            guard let size = Int(hex, radix: 16) else { return nil }
            if size == 0 {
                // Trailer fields, up to the empty line.
                while let trailer = connection.readLine(), !trailer.isEmpty {}
                return body
            }
            guard let chunk = connection.readExactly(size), connection.readLine() != nil else { return nil }
            body.append(chunk)
        }
    }

    private func send(_ response: HTTPSinkResponse, to request: RecordedHTTPRequest) -> Bool {
        var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        for header in response.headers {
            head += "\(header.name): \(header.value)\r\n"
        }
        let withoutBody = request.method == "HEAD" || response.status == 204 || response.status == 304
        if response.chunked {
            head += "Transfer-Encoding: chunked\r\n\r\n"
            guard connection.write(head) else { return false }
            if withoutBody { return true }
            var offset = 0
            while offset < response.body.count {
                let end = min(offset + 16384, response.body.count)
                let chunk = response.body[offset..<end]
                guard connection.write(String(chunk.count, radix: 16) + "\r\n"), connection.write(Data(chunk)),
                    connection.write("\r\n")
                else { return false }
                offset = end
            }
            return connection.write("0\r\n\r\n")
        }
        head += "Content-Length: \(response.body.count)\r\n\r\n"
        var bytes = Data(head.utf8)
        if !withoutBody { bytes.append(response.body) }
        return connection.write(bytes)
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}
