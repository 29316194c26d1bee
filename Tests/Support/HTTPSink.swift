import Foundation

/// A scriptable HTTP/1.1 server on 127.0.0.1 that records every request: a stand-in for
/// webhooks, Slack or any API under test.
///
/// Each request takes the next action from the queue (`init(actions:)`, `enqueue`); when the
/// queue is empty, `otherwise` decides. Keep-alive is supported, so `acceptedConnections`
/// shows whether a client reused its connection.
public final class HTTPSink: Sendable {
    private let server: SocketServer
    private let recorder: HTTPSinkRecorder

    /// Starts the sink on an ephemeral port.
    public init(
        actions: [HTTPSinkAction] = [],
        otherwise: @escaping @Sendable (RecordedHTTPRequest) -> HTTPSinkAction = { _ in .ok }
    ) throws {
        let recorder = HTTPSinkRecorder(actions: actions, otherwise: otherwise)
        self.recorder = recorder
        server = try SocketServer { connection in
            HTTPSinkSession(connection: connection, recorder: recorder).run()
        }
    }

    deinit {
        server.stop()
    }

    /// The listening port.
    public var port: Int { server.port }

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// `baseURL` followed by `pathAndQuery` (which should start with `/`).
    public func url(_ pathAndQuery: String = "/") -> String { baseURL + pathAndQuery }

    /// Appends actions for the next requests.
    public func enqueue(_ actions: HTTPSinkAction...) {
        recorder.enqueue(actions)
    }

    /// Every complete request received so far, in arrival order.
    public var requests: [RecordedHTTPRequest] { recorder.requests }

    /// Connections accepted so far.
    public var acceptedConnections: Int { server.acceptedConnections }

    /// Waits until at least `count` requests arrived, or throws after `timeout` (generous by
    /// default: it only turns a request that never comes into a failure instead of a hang).
    public func waitForRequests(count: Int, timeout: Duration = .seconds(60)) async throws -> [RecordedHTTPRequest] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let received = requests
            if received.count >= count { return received }
            guard ContinuousClock.now < deadline else {
                throw SinkTimeoutError(what: "\(count) HTTP requests on port \(port)", got: received.count)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Stops the server and closes every connection (hanging ones included).
    public func stop() {
        server.stop()
    }
}

/// Thrown by the sinks' `waitFor...` helpers when not enough traffic arrived in time.
public struct SinkTimeoutError: Error, CustomStringConvertible {
    /// What was awaited.
    public var what: String
    /// How many had arrived.
    public var got: Int

    /// What was awaited and how much arrived.
    public var description: String { "timed out waiting for \(what); got \(got)" }
}

/// Shared state of an `HTTPSink`: its script and what it received.
///
/// `@unchecked Sendable`: all mutable state is behind `lock`.
final class HTTPSinkRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var queued: [HTTPSinkAction]
    private var received: [RecordedHTTPRequest] = []
    private let otherwise: @Sendable (RecordedHTTPRequest) -> HTTPSinkAction

    init(actions: [HTTPSinkAction], otherwise: @escaping @Sendable (RecordedHTTPRequest) -> HTTPSinkAction) {
        queued = actions
        self.otherwise = otherwise
    }

    func enqueue(_ actions: [HTTPSinkAction]) {
        lock.withLock { queued.append(contentsOf: actions) }
    }

    var requests: [RecordedHTTPRequest] { lock.withLock { received } }

    /// Records `request` and picks the action for it.
    func record(_ request: RecordedHTTPRequest) -> HTTPSinkAction {
        let next: HTTPSinkAction? = lock.withLock {
            received.append(request)
            return queued.isEmpty ? nil : queued.removeFirst()
        }
        return next ?? otherwise(request)
    }
}
