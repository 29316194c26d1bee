import Primitives
import CLibPQ
import Foundation
import Logging

/// Receives libpq notices (`RAISE NOTICE`, server warnings) and logs them through swift-log.
///
/// Installed with PQsetNoticeReceiver rather than PQsetNoticeProcessor because the receiver gets
/// the whole notice as a PGresult: the non-localized severity picks the log level and the
/// SQLSTATE, detail and hint become metadata. Called by libpq on the owning connection's queue.
///
/// It also remembers a session-ending error that arrived while the session was idle. libpq hands
/// an ErrorResponse received outside a query to the notice receiver and keeps PQstatus at
/// CONNECTION_OK until it later reads EOF, so the FATAL that pg_terminate_backend or a shutdown
/// sends ("terminating connection due to administrator command") is the first — and, until the
/// server's close is read, the only — sign that the session is gone.
final class NoticeForwarder: Sendable {
    let logger: Logger
    private let sessionEndedMessage = LockedBox<String?>(nil)

    init(logger: Logger) { self.logger = logger }

    /// The server's message when it announced (FATAL/PANIC) that it is closing this session; nil
    /// while the session is healthy.
    var sessionEndedByServer: String? { sessionEndedMessage.value }

    /// Forgets an earlier session's fatal error; called after every (re)connect.
    func resetSessionEnded() { sessionEndedMessage.value = nil }

    /// Installs the forwarder on `connection`; the caller keeps `self` alive until PQfinish.
    func install(on connection: OpaquePointer) {
        PQsetNoticeReceiver(connection, forwardNotice, Unmanaged.passUnretained(self).toOpaque())
    }

    func forward(_ result: OpaquePointer) {
        let severity = errorField(result, CLIBPQ_DIAG_SEVERITY_NONLOCALIZED) ?? "NOTICE"
        let message = errorField(result, CLIBPQ_DIAG_MESSAGE_PRIMARY) ?? "(no message)"
        var metadata: Logger.Metadata = ["postgres.severity": "\(severity)"]
        if let sqlState = errorField(result, CLIBPQ_DIAG_SQLSTATE) { metadata["postgres.sqlstate"] = "\(sqlState)" }
        if let detail = errorField(result, CLIBPQ_DIAG_MESSAGE_DETAIL) { metadata["postgres.detail"] = "\(detail)" }
        if let hint = errorField(result, CLIBPQ_DIAG_MESSAGE_HINT) { metadata["postgres.hint"] = "\(hint)" }
        if severity == "FATAL" || severity == "PANIC" {
            sessionEndedMessage.value = message
        }
        logger.log(level: Self.level(forSeverity: severity), "postgres \(severity): \(message)", metadata: metadata)
    }

    static func level(forSeverity severity: String) -> Logger.Level {
        switch severity {
        case "DEBUG": .debug
        case "LOG", "INFO": .info
        case "NOTICE": .notice
        case "WARNING": .warning
        default: .error  // ERROR, FATAL, PANIC: e.g. the server announcing it is shutting us down
        }
    }
}

/// The C-callable entry point; `argument` is the unretained NoticeForwarder.
private let forwardNotice: PQnoticeReceiver = { argument, result in
    guard let argument, let result else { return }
    Unmanaged<NoticeForwarder>.fromOpaque(argument).takeUnretainedValue().forward(result)
}

/// Reads one diagnostic field of a result or notice, nil when absent.
func errorField(_ result: OpaquePointer, _ field: Int32) -> String? {
    guard let value = PQresultErrorField(result, field) else { return nil }
    return String(cString: value)
}
