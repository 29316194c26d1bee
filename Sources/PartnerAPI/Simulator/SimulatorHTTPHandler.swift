import FlyingFox
import FlyingSocks
import Foundation
import JSON

/// Routes the simulator's HTTP requests: the channels endpoint and the `/_sim` control endpoints.
struct SimulatorHTTPHandler: HTTPHandler {
    let state: SimulatorState

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        let components = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        switch (request.method, components) {
        case (.GET, let parts) where parts.count == 5 && parts[0] == "api" && parts[1] == "v2"
            && parts[2] == "partners" && parts[4] == "channels":
            return try await channels(partnerID: parts[3], request: request)
        case (.GET, ["_sim", "state"]):
            return Self.response(.json(200, await state.stateDocument().compactJSON()))
        case (.POST, ["_sim", "advance"]):
            let advanced = await state.applyNextStep()
            var document = await state.stateDocument()
            document.set(.bool(advanced), at: "advanced")
            return Self.response(.json(200, document.compactJSON()))
        default:
            return Self.response(.apiError(404, "No route for \(request.method.rawValue) \(request.path)"))
        }
    }

    private func channels(partnerID: String, request: HTTPRequest) async throws -> HTTPResponse {
        let items = request.query.map { (name: $0.name, value: $0.value) }
        let reply = await state.reply(partnerID: partnerID, apiKey: request.headers[HTTPHeader("X-API-Key")], query: items)
        // Every path below must reach `finish`, or max-in-flight would drift upwards.
        do {
            if reply.latency > .zero { try await Task.sleep(for: reply.latency) }
            if case .hang(let duration) = reply.delivery { try await Task.sleep(for: duration) }
        } catch {
            await state.finish(partnerID: partnerID)
            throw error
        }
        await state.finish(partnerID: partnerID)
        switch reply.delivery {
        case .normal, .hang:
            return Self.response(reply)
        case .truncated:
            var response = Self.response(reply)
            let half = Array(reply.body.prefix(reply.body.count / 2))
            response.payload = .httpBody(HTTPBodySequence(from: BytesThenDisconnect(bytes: half), count: reply.body.count))
            return response
        case .drop:
            return HTTPResponse(webSocket: ConnectionDropper())
        }
    }

    static func response(_ reply: SimulatedReply) -> HTTPResponse {
        var headers = HTTPHeaders()
        for header in reply.headers { headers[HTTPHeader(header.name)] = header.value }
        return HTTPResponse(statusCode: HTTPStatusCode(reply.status, phrase: phrase(for: reply.status)), headers: headers,
                            body: HTTPBodySequence(data: reply.body, suggestedBufferSize: max(4096, reply.body.count)))
    }

    static func phrase(for status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return "Status \(status)"
        }
    }
}

/// A body that yields some bytes and then fails, so FlyingFox closes the connection after
/// announcing a longer `Content-Length`: the client sees a truncated body.
struct BytesThenDisconnect: AsyncBufferedSequence {
    typealias Element = UInt8
    let bytes: [UInt8]

    func makeAsyncIterator() -> Iterator { Iterator(bytes: bytes) }

    struct Iterator: AsyncBufferedIteratorProtocol {
        let bytes: [UInt8]
        var index = 0

        mutating func next() async throws -> UInt8? {
            guard index < bytes.count else { throw SimulatedDisconnect() }
            defer { index += 1 }
            return bytes[index]
        }

        mutating func nextBuffer(suggested count: Int) async throws -> ArraySlice<UInt8>? {
            guard index < bytes.count else { throw SimulatedDisconnect() }
            let end = Swift.min(bytes.count, index + Swift.max(count, 1))
            defer { index = end }
            return bytes[index..<end]
        }
    }
}

/// Drops the connection without a byte of response.
///
/// FlyingFox always writes the status line and headers before a body, so a body cannot express
/// "no response at all". Its WebSocket upgrade path, however, asks the handler for frames
/// before writing anything, and closes the connection when that throws — which is exactly a
/// dropped connection as a client sees it (curl: "Empty reply from server").
struct ConnectionDropper: WSHandler {
    func makeFrames(for client: AsyncThrowingStream<WSFrame, any Error>) async throws -> AsyncStream<WSFrame> {
        throw SimulatedDisconnect()
    }
}

/// The error used to make FlyingFox close a connection on purpose.
struct SimulatedDisconnect: Error {}
