import CLibPQ
import Foundation

/// A NOTIFY received on a channel this session LISTENs to.
public struct PostgresNotification: Sendable, Equatable {
    /// The channel name given to NOTIFY / pg_notify.
    public let channel: String
    /// The payload; empty when none was sent.
    public let payload: String
    /// The server process ID of the session that sent it.
    public let senderProcessID: Int32
}

extension PostgresConnection {
    /// Subscribes this session to `channel` (LISTEN). Use a dedicated connection from
    /// ``connect(_:logger:)``: the registration belongs to the server session, and it is lost
    /// when the connection is — re-LISTEN after ``ensureConnected()`` reconnects.
    public func listen(_ channel: String) async throws {
        try await onQueue { session in
            _ = try session.run("LISTEN \(try session.quoteIdentifier(channel))", [])
        }
    }

    /// Unsubscribes this session from `channel` (UNLISTEN).
    public func unlisten(_ channel: String) async throws {
        try await onQueue { session in
            _ = try session.run("UNLISTEN \(try session.quoteIdentifier(channel))", [])
        }
    }

    /// Sends a notification to every session listening on `channel` (pg_notify; delivered at commit).
    public func notify(_ channel: String, payload: String = "") async throws {
        _ = try await query("SELECT pg_notify($1, $2)", [.text(channel), .text(payload)])
    }

    /// Waits up to `timeout` for the next notification; nil when none arrived in time.
    ///
    /// Notifications that arrived earlier (even during another statement) are returned first.
    /// The wait occupies this connection's queue, so keep timeouts short (a second or so) and
    /// loop; task cancellation is noticed between waits, not during one. Throws a
    /// ``PostgresError/Kind/connectionLost`` error when the session dies while waiting.
    public func nextNotification(timeout: Duration) async throws -> PostgresNotification? {
        try Task.checkCancellation()
        return try await onQueue { session in try session.waitForNotification(timeout: timeout) }
    }

    /// Reconnects a dedicated connection whose session died (PQreset); does nothing when it is
    /// healthy. Session state — LISTENs, advisory locks, SETs — does not survive a reconnect.
    public func ensureConnected() async throws {
        try await prepareForUse()
    }
}

extension PostgresClient {
    /// Sends a notification on `channel` from a pooled connection.
    public func notify(_ channel: String, payload: String = "") async throws {
        try await withConnection { try await $0.notify(channel, payload: payload) }
    }
}

extension LibPQSession {
    /// `"channel"`, quoted by libpq so any name (spaces, quotes, Unicode) is a safe identifier.
    func quoteIdentifier(_ identifier: String) throws -> String {
        let handle = try liveHandle()
        guard let quoted = PQescapeIdentifier(handle, identifier, identifier.utf8.count) else {
            throw PostgresError.usage("cannot quote the identifier: \(String(cString: PQerrorMessage(handle)))")
        }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }

    /// Returns a queued notification, or waits on the socket until one arrives or `timeout` ends.
    ///
    /// A killed session announces itself in two steps, and either one must end the wait: a FATAL
    /// ErrorResponse (which PQconsumeInput reads without changing PQstatus, and which PQnotifies'
    /// parsing routes to the notice receiver), then EOF (which PQconsumeInput turns into
    /// CONNECTION_BAD, closing the socket). Both may already have been read before this call — by an
    /// earlier wait that ran out of time — so the checks come before the first poll, and a closed
    /// socket is never polled (poll ignores fd -1 and would sleep out the whole timeout).
    func waitForNotification(timeout: Duration) throws -> PostgresNotification? {
        let handle = try liveHandle()
        let deadline = ContinuousClock.now + timeout
        while true {
            if let notification = PQnotifies(handle) {  // also parses input read so far
                defer { PQfreemem(notification) }
                return PostgresNotification(
                    channel: String(cString: notification.pointee.relname),
                    payload: notification.pointee.extra.map { String(cString: $0) } ?? "",
                    senderProcessID: notification.pointee.be_pid)
            }
            if let serverMessage = notices.sessionEndedByServer {
                throw notificationWaitLost(reason: serverMessage)
            }
            let socket = PQsocket(handle)
            guard PQstatus(handle) == CONNECTION_OK, socket >= 0 else {
                throw notificationWaitLost(reason: String(cString: PQerrorMessage(handle)))
            }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return nil }
            let ready = clibpq_wait_readable(socket, Self.pollMilliseconds(remaining))
            if ready < 0 {
                throw notificationWaitLost(reason: "poll failed: \(String(cString: strerror(errno)))")
            }
            if ready == 1 && PQconsumeInput(handle) == 0 {
                throw notificationWaitLost(reason: String(cString: PQerrorMessage(handle)))
            }
        }
    }

    /// `remaining`, rounded up to whole milliseconds, as poll(2) wants it.
    static func pollMilliseconds(_ remaining: Duration) -> Int32 {
        let (seconds, attoseconds) = remaining.components
        return Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
    }

    private func notificationWaitLost(reason: String) -> PostgresError {
        PostgresError(
            kind: .connectionLost,
            message: "the connection died while waiting for notifications: "
                + configuration.redactingSecrets(in: reason).trimmingCharacters(in: .whitespacesAndNewlines),
            hint: "call ensureConnected() and LISTEN again; notifications sent meanwhile were missed",
            context: configuration.redactedDescription)
    }
}
