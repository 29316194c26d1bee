import Primitives
import FlyingFox
import Foundation
import Logging

/// The HTTP endpoint on `listen` (FlyingFox): `GET /healthz` (the process runs), `GET /readyz`
/// (database reachable, every partner polled within 2 × interval) and `GET /metrics`
/// (Prometheus text format 0.0.4).
public final class HealthServer: Sendable {
    /// Where the server listens.
    public let address: ListenAddress
    private let server: HTTPServer
    private let logger: Logger
    private let readiness: ReadinessCheck
    private let metrics: WorkerMetrics
    private let silences: SilenceAPI?
    /// Set by ``stop()``: the socket errors that closing causes are then not failures.
    private let stopping = LockedBox(false)

    /// A server on `address` answering from `readiness` and `metrics`, and the silence API when
    /// `silences` is given; call ``run()`` to serve.
    public init(address: ListenAddress, readiness: ReadinessCheck, metrics: WorkerMetrics, silences: SilenceAPI? = nil,
                logger: Logger) throws {
        self.address = address
        self.logger = logger
        self.readiness = readiness
        self.metrics = metrics
        self.silences = silences
        if address.isIPv6 {
            server = HTTPServer(address: try .inet6(ip6: address.host, port: address.port), logger: .disabled)
        } else {
            server = HTTPServer(address: try .inet(ip4: address.host, port: address.port), logger: .disabled)
        }
    }

    /// Serves until the task is cancelled or ``stop()`` is called; throws if the address cannot be bound.
    public func run() async throws {
        await addRoutes()
        logger.info(silences == nil ? "serving /healthz, /readyz and /metrics" : "serving /healthz, /readyz, /metrics and /api/v1/silences",
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
        let readiness = self.readiness, metrics = self.metrics
        await server.appendRoute("GET /healthz") { _ in
            HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: Data("ok\n".utf8))
        }
        await server.appendRoute("GET /readyz") { _ in
            let problems = await readiness.problems()
            let body = problems.isEmpty ? "ready\n" : problems.map { $0 + "\n" }.joined()
            return HTTPResponse(statusCode: problems.isEmpty ? .ok : .serviceUnavailable,
                                headers: [.contentType: "text/plain; charset=utf-8"], body: Data(body.utf8))
        }
        await server.appendRoute("GET /metrics") { _ in
            HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                         body: Data(metrics.prometheusText().utf8))
        }
        if let silences { await addSilenceRoutes(silences) }
    }

    private func addSilenceRoutes(_ api: SilenceAPI) async {
        let logger = self.logger
        let answer = Self.response
        await server.appendRoute("GET /api/v1/silences") { request in
            answer(await api.list(includeExpired: request.query["expired"] == "true"))
        }
        await server.appendRoute("POST /api/v1/silences") { request in
            let declared = request.headers[.contentLength].flatMap(Int.init) ?? 0
            guard declared <= SilenceAPI.maximumBodyBytes else {
                return answer(await api.create(body: Data(count: declared), contentType: request.headers[.contentType],
                                               fromLoopback: Self.isLoopback(request.remoteAddress)))
            }
            let result = await api.create(body: try await request.bodyData, contentType: request.headers[.contentType],
                                          fromLoopback: Self.isLoopback(request.remoteAddress))
            if result.status == 201 { logger.notice("silence created through the API", metadata: ["body": "\(String(decoding: result.body, as: UTF8.self))"]) }
            return answer(result)
        }
        await server.appendRoute("DELETE /api/v1/silences/:id") { request in
            let result = await api.expire(id: request.routeParameters["id"] ?? "", fromLoopback: Self.isLoopback(request.remoteAddress))
            if result.status == 200 { logger.notice("silence expired through the API", metadata: ["id": "\(request.routeParameters["id"] ?? "")"]) }
            return answer(result)
        }
    }

    @Sendable private static func response(_ answer: SilenceAPI.Answer) -> HTTPResponse {
        HTTPResponse(statusCode: HTTPStatusCode(answer.status, phrase: ""), headers: [.contentType: "application/json"],
                     body: answer.body)
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
