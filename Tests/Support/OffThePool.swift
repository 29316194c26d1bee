import Dispatch

/// Runs blocking work (a subprocess waited for, a slow synchronous setup) on a Dispatch thread
/// instead of one of Swift concurrency's few cooperative threads (two on a 2-core machine):
/// blocking those stalls every other test in the process.
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try body() })
        }
    }
}
