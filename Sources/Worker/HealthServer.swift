import Console
import Primitives
import FlyingFox
import Foundation
import Logging

/// The HTTP endpoint on `listen` (FlyingFox): `GET /healthz` (the process runs), `GET /readyz`
/// (database reachable, every partner polled within 2 × interval), `GET /metrics` (Prometheus
/// text format 0.0.4), and everything else — the web console and `/api/v1/` — answered by the
/// ``ConsoleApp``. With `http_auth`, `/metrics` needs credentials like the console; the probes
/// stay open, and `/readyz` then tells strangers only whether it is ready, not why not.
public final class HealthServer: Sendable {
    /// Where the server listens.
    public let address: ListenAddress
    private let server: HTTPServer
    private let logger: Logger
    private let readiness: ReadinessCheck
    private let metrics: WorkerMetrics
    private let console: ConsoleApp?
    /// Set by ``stop()``: the socket errors that closing causes are then not failures.
    private let stopping = LockedBox(false)

    /// A server on `address` answering from `readiness` and `metrics`, and the console and API
    /// when `console` is given; call ``run()`` to serve.
    public init(address: ListenAddress, readiness: ReadinessCheck, metrics: WorkerMetrics, console: ConsoleApp? = nil,
                logger: Logger) throws {
        self.address = address
        self.logger = logger
        self.readiness = readiness
        self.metrics = metrics
        self.console = console
        if address.isIPv6 {
            server = HTTPServer(address: try .inet6(ip6: address.host, port: address.port), logger: .disabled)
        } else {
            server = HTTPServer(address: try .inet(ip4: address.host, port: address.port), logger: .disabled)
        }
    }

    /// Serves until the task is cancelled or ``stop()`` is called; throws if the address cannot be bound.
    public func run() async throws {
        await addRoutes()
        logger.info(console == nil ? "serving /healthz, /readyz and /metrics" : "serving the console, /api/v1/, /healthz, /readyz and /metrics",
                    metadata: ["listen": "\(address)"])
        do {
            try await server.run()
        } catch is CancellationError {
            return
        } catch where stopping.value {
            return
        } catch {
            throw HealthServerError(address: address, underlying: "\(error)")
        }
    }

    /// Waits until the socket is bound (up to `timeout` seconds).
    public func waitUntilListening(timeout: TimeInterval = 5) async throws {
        try await server.waitUntilListening(timeout: timeout)
    }

    /// The bound port: the configured one, or the system's choice for port 0; nil before listening.
    public var boundPort: UInt16? {
        get async {
            switch await server.listeningAddress {
            case .ip4(_, let port)?, .ip6(_, let port)?: port
            default: nil
            }
        }
    }

    private func addRoutes() async {
        let readiness = self.readiness, metrics = self.metrics, console = self.console
        await server.appendRoute("GET /healthz") { _ in
            HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: Data("ok\n".utf8))
        }
        await server.appendRoute("GET /readyz") { request in
            let problems = await readiness.problems()
            var body = problems.isEmpty ? "ready\n" : problems.map { $0 + "\n" }.joined()
            if !problems.isEmpty, let console, await !console.mayRead(Self.consoleRequest(request, body: Data())) {
                body = "not ready\n"
            }
            return HTTPResponse(statusCode: problems.isEmpty ? .ok : .serviceUnavailable,
                                headers: [.contentType: "text/plain; charset=utf-8"], body: Data(body.utf8))
        }
        await server.appendRoute("GET /metrics") { request in
            if let console, let refusal = await console.refusal(Self.consoleRequest(request, body: Data())) {
                return Self.httpResponse(refusal)
            }
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                                body: Data(metrics.prometheusText().utf8))
        }
        guard let console else { return }
        await server.appendRoute("*") { request in
            Self.httpResponse(await console.respond(to: try await Self.consoleRequest(request)))
        }
    }

    /// The console's view of a FlyingFox request; a body longer than the console takes is not
    /// read (the console answers 413 to the stand-in).
    static func consoleRequest(_ request: HTTPRequest) async throws -> ConsoleRequest {
        let declared = request.headers[.contentLength].flatMap(Int.init) ?? 0
        let body = declared > ConsoleApp.maximumBodyBytes ? Data(count: ConsoleApp.maximumBodyBytes + 1)
            : declared > 0 ? try await request.bodyData : Data()
        return consoleRequest(request, body: body)
    }

    static func consoleRequest(_ request: HTTPRequest, body: Data) -> ConsoleRequest {
        var headers: [String: String] = [:]
        for (name, value) in request.headers where headers[name.rawValue.lowercased()] == nil {
            headers[name.rawValue.lowercased()] = value
        }
        return ConsoleRequest(method: request.method.rawValue, path: request.target.path(percentEncoded: true),
                              query: request.target.query(percentEncoded: true), headers: headers, body: body,
                              fromLoopback: isLoopback(request.remoteAddress), peer: peer(request.remoteAddress))
    }

    static func httpResponse(_ response: ConsoleResponse) -> HTTPResponse {
        var headers = HTTPHeaders()
        for (name, value) in response.headers { headers.addValue(value, for: HTTPHeader(name)) }
        return HTTPResponse(statusCode: HTTPStatusCode(response.status, phrase: Self.phrase(response.status)), headers: headers,
                            body: response.body)
    }

    private static func phrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 303: "See Other"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 413: "Content Too Large"
        case 415: "Unsupported Media Type"
        case 503: "Service Unavailable"
        default: ""
        }
    }

    /// `127.0.0.1`, `::1`: the peer's address for logs.
    static func peer(_ address: HTTPRequest.Address?) -> String {
        switch address {
        case .ip4(let ip, _)?, .ip6(let ip, _)?: ip
        case .unix(let path)?: path
        case nil: ""
        }
    }

    /// Whether a peer is on loopback (127.0.0.0/8, ::1, or IPv4-mapped 127.x); the socket's own
    /// address, never a forwarded-for header.
    static func isLoopback(_ address: HTTPRequest.Address?) -> Bool {
        switch address {
        case .ip4(let ip, _)?: ip.hasPrefix("127.")
        case .ip6(let ip, _)?: ip == "::1" || ip.lowercased().hasPrefix("::ffff:127.")
        case .unix?: true
        case nil: false
        }
    }

    /// Stops accepting connections and closes the open ones.
    public func stop() async {
        stopping.value = true
        await server.stop(timeout: 1)
    }
}

/// The health server could not serve on its address.
public struct HealthServerError: Error, CustomStringConvertible {
    /// The configured address.
    public var address: ListenAddress
    /// What the socket layer said.
    public var underlying: String

    /// What failed, where, and what to do.
    public var description: String {
        "health server on \(address): \(underlying) (is another process using the port? change `listen` in the config)"
    }
}
