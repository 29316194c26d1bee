/// A counting semaphore, first come first served: requests in flight to the Partner API (page
/// tasks hold a permit only while their request is on the wire, so parsing one page overlaps
/// with the next request), pages of a poll handed to the recorder and not yet taken.
public actor Permits {
    private var available: Int
    private var waiters: [(id: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextWaiterID = 0

    private let limit: Int

    public init(limit: Int) {
        self.limit = max(limit, 1)
        available = self.limit
    }

    /// Permits taken and not returned.
    public var held: Int { limit - available }

    /// Waits for a permit; throws `CancellationError` if the task is cancelled while waiting.
    public func acquire() async throws {
        if available > 0 {
            available -= 1
            return
        }
        try Task.checkCancellation()
        let id = nextWaiterID
        nextWaiterID += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiters.append((id, continuation))
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    /// Returns a permit, handing it straight to the longest waiter if there is one.
    public func release() {
        if waiters.isEmpty {
            available += 1
        } else {
            waiters.removeFirst().continuation.resume()
        }
    }

    private func cancelWaiter(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }
}
