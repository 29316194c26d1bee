import Config
import Curl
import Foundation
import Inbound
import Logging
import Postgres

/// Inbound partner webhooks accepted per second: D signed events (distinct ids) posted by 32
/// clients at once to the inbound listener, each committed in PostgreSQL before its 200. The
/// answer time of each request is timed too (the target is a 200 within 1 s).
struct InboundAcceptBenchmark {
    let context: BenchContext
    static let partnerID = "bench-inbound"
    static let secret = Secret("bench-inbound-platform-secret")
    static let clients = 32

    /// A logger that drops everything: the product's log lines would be part of the figure.
    static let quiet = Logger(label: "bench.inbound") { _ in SwiftLogNoOpLogHandler() }

    /// The inbound endpoint for `partnerID`, signed with ``secret``, storing into `database`.
    static func endpoint(for partnerID: String, database: PostgresClient,
                         stored: @escaping @Sendable (String) -> Void = { _ in }) -> InboundEndpoint {
        InboundEndpoint(
            authentication: { $0 == partnerID ? InboundAuthentication(secrets: [secret], basicAuth: nil) : nil },
            inbox: InboundInbox(database: database), logger: quiet, count: { _, _, _ in }, stored: stored)
    }

    func run() async throws -> [BenchFigure] {
        let count = context.options.deliveries
        let endpoint = Self.endpoint(for: Self.partnerID, database: context.client)
        let server = try InboundHTTPServer.start(host: "127.0.0.1", port: 0, handler: .async { await endpoint.handle($0) })
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)/webhooks/360dialog/\(Self.partnerID)"

        let watch = Stopwatch()
        let answers = try await withThrowingTaskGroup(of: [(status: Int, seconds: Double)].self) { group in
            for client in 0..<Self.clients {
                group.addTask {
                    var answers: [(status: Int, seconds: Double)] = []
                    for index in stride(from: client, to: count, by: Self.clients) {
                        let body = Data(#"{"id": "bench-\#(index)", "event": "account_violation", "phone_number": "+4915110\#(index)"}"#.utf8)
                        let started = ContinuousClock.now
                        let response = try await HTTPClient.shared.send(HTTPRequest(
                            method: "POST", url: url,
                            headers: [HTTPHeader(name: InboundSignature.headerName, value: InboundSignature.headerValue(body: body, secret: Self.secret))],
                            body: body, timeout: .seconds(30)))
                        answers.append((response.status, (ContinuousClock.now - started).seconds))
                    }
                    return answers
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let wall = watch.wallSeconds
        let stored = try await context.client.query(
            "SELECT count(*)::int8 AS n FROM inbound_webhooks WHERE partner_id = $1", [.text(Self.partnerID)])[0].decode(Int.self, "n")
        _ = try await context.client.execute("DELETE FROM inbound_webhooks WHERE partner_id = $1", [.text(Self.partnerID)])
        let accepted = answers.filter { $0.status == 200 }.count
        guard accepted == count, stored == count else {
            throw BenchError("inbound: \(accepted) of \(count) answered 200, \(stored) stored")
        }
        let times = answers.map(\.seconds).sorted()
        let p99 = LatencyBenchmark.percentile(times, 99) * 1000
        return [
            BenchFigure(key: "inbound_accepted_per_second", label: "inbound webhooks accepted/s, each committed before its 200",
                        value: Double(count) / wall, unit: "/s", target: 2000, comparison: .atLeast,
                        note: "\(count) signed events from \(Self.clients) clients in \(BenchReport.format(wall, "s")); "
                            + "process CPU \(BenchReport.format(watch.cpuSeconds, "s")) (listener and clients)"),
            BenchFigure(key: "inbound_answer_p99_ms", label: "inbound webhook answer time: p99",
                        value: p99, unit: "ms", target: 1000,
                        note: "p50 \(BenchReport.format(LatencyBenchmark.percentile(times, 50) * 1000, "ms")), "
                            + "max \(BenchReport.format((times.last ?? 0) * 1000, "ms"))"),
        ]
    }
}
