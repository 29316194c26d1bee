import Logging

/// Hands out at most `poolSize` connections, each to one task at a time; later callers queue
/// (first come, first served) until a connection is returned.
///
/// Connections are opened lazily. A connection whose server session died stays in the pool and
/// is reconnected by ``PostgresConnection/prepareForUse()`` when next leased.
actor PostgresConnectionPool {
    /// What a lease gets: an existing connection, or permission to open a new one.
    enum Grant: Sendable {
        case existing(PostgresConnection)
        case openNew
    }

    private let configuration: PostgresConfiguration
    private let logger: Logger
    private var idle: [PostgresConnection] = []
    /// Connections that exist or are being opened (idle + leased + connecting).
    private var openCount = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Grant, Error>)] = []
    private var nextWaiterID: UInt64 = 0
    private var nextConnectionNumber = 0
    private var isClosed = false

    init(configuration: PostgresConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Returns a connection for the caller's exclusive use; give it back with ``release(_:)``.
    func lease() async throws -> PostgresConnection {
        switch try await grant() {
        case .existing(let connection):
            return connection
        case .openNew:
            nextConnectionNumber += 1
            return PostgresConnection(
                configuration: configuration, logger: logger,
                label: "channelwatch.postgres.pool.\(nextConnectionNumber)")
        }
    }

    /// Takes a connection back, handing it straight to the longest waiter if there is one.
    func release(_ connection: PostgresConnection) async {
        if isClosed {
            openCount -= 1
            await connection.close()
        } else if !waiters.isEmpty {
            waiters.removeFirst().continuation.resume(returning: .existing(connection))
        } else {
            idle.append(connection)
        }
    }

    /// Closes idle connections now and leased ones when they come back; waiters get an error.
    func close() async {
        isClosed = true
        for waiter in waiters {
            waiter.continuation.resume(throwing: PostgresError.usage("the PostgresClient was closed"))
        }
        waiters.removeAll()
        let closing = idle
        idle.removeAll()
        openCount -= closing.count
        for connection in closing { await connection.close() }
    }

    private func grant() async throws -> Grant {
        guard !isClosed else { throw PostgresError.usage("the PostgresClient was closed; create a new one") }
        if let connection = idle.popLast() { return .existing(connection) }
        if openCount < configuration.poolSize {
            openCount += 1
            return .openNew
        }
        nextWaiterID += 1
        let id = nextWaiterID
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters.append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    /// A waiter whose task was cancelled leaves the queue; if it was already served, nothing happens.
    private func cancelWaiter(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }
}
