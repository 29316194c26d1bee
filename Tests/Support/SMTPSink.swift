import Foundation

/// A minimal ESMTP server on 127.0.0.1 that records what it is sent: EHLO/HELO, AUTH
/// PLAIN/LOGIN, MAIL FROM, RCPT TO, DATA (dot-unstuffed), RSET, NOOP, QUIT. No TLS.
///
/// Replies can be scripted per stage (`replies`, `setReply`), e.g. 550 at RCPT or 451 after
/// DATA; with `acceptedCredentials` set, other credentials get 535.
public final class SMTPSink: Sendable {
    private let server: SocketServer
    private let recorder: SMTPSinkRecorder

    /// Starts the sink on an ephemeral port.
    public init(
        replies: [SMTPSinkStage: SMTPSinkReply] = [:],
        acceptedCredentials: SMTPSinkCredentials? = nil
    ) throws {
        let recorder = SMTPSinkRecorder(replies: replies, acceptedCredentials: acceptedCredentials)
        self.recorder = recorder
        server = try SocketServer { connection in
            SMTPSinkSession(connection: connection, recorder: recorder).run()
        }
    }

    deinit {
        server.stop()
    }

    /// The listening port.
    public var port: Int { server.port }

    /// `smtp://127.0.0.1:PORT`.
    public var url: String { "smtp://127.0.0.1:\(port)" }

    /// Messages accepted so far.
    public var messages: [SMTPSinkMessage] { recorder.messages }

    /// Every AUTH attempt, accepted or not.
    public var authenticationAttempts: [SMTPSinkCredentials] { recorder.authenticationAttempts }

    /// Every command line received (AUTH payloads excluded), for protocol assertions.
    public var commands: [String] { recorder.commands }

    /// Connections accepted so far.
    public var acceptedConnections: Int { server.acceptedConnections }

    /// Changes (or with `nil`, clears) the scripted reply for `stage` from now on.
    public func setReply(_ reply: SMTPSinkReply?, for stage: SMTPSinkStage) {
        recorder.setReply(reply, for: stage)
    }

    /// Waits until at least `count` messages were accepted, or throws after `timeout`.
    public func waitForMessages(count: Int, timeout: Duration = .seconds(60)) async throws -> [SMTPSinkMessage] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let received = messages
            if received.count >= count { return received }
            guard ContinuousClock.now < deadline else {
                throw SinkTimeoutError(what: "\(count) SMTP messages on port \(port)", got: received.count)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Stops the server and closes every connection.
    public func stop() {
        server.stop()
    }
}

/// Shared state of an `SMTPSink`.
///
/// `@unchecked Sendable`: all mutable state is behind `lock`.
final class SMTPSinkRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var replies: [SMTPSinkStage: SMTPSinkReply]
    private var accepted: [SMTPSinkMessage] = []
    private var attempts: [SMTPSinkCredentials] = []
    private var commandLog: [String] = []
    let acceptedCredentials: SMTPSinkCredentials?

    init(replies: [SMTPSinkStage: SMTPSinkReply], acceptedCredentials: SMTPSinkCredentials?) {
        self.replies = replies
        self.acceptedCredentials = acceptedCredentials
    }

    func reply(for stage: SMTPSinkStage) -> SMTPSinkReply? { lock.withLock { replies[stage] } }
    func setReply(_ reply: SMTPSinkReply?, for stage: SMTPSinkStage) { lock.withLock { replies[stage] = reply } }
    var messages: [SMTPSinkMessage] { lock.withLock { accepted } }
    var authenticationAttempts: [SMTPSinkCredentials] { lock.withLock { attempts } }
    var commands: [String] { lock.withLock { commandLog } }
    func record(_ message: SMTPSinkMessage) { lock.withLock { accepted.append(message) } }
    func record(_ credentials: SMTPSinkCredentials) { lock.withLock { attempts.append(credentials) } }
    func record(command: String) { lock.withLock { commandLog.append(command) } }
}
