/// Runs `body`, calling `onStop` if `stop` is stopped before `body` returns. `body` itself is
/// not cancelled: `onStop` decides what stopping means for it (cancel a poll, give a pass a grace).
func withStopHandler<T: Sendable>(_ stop: StopSignal, onStop: @escaping @Sendable () -> Void,
                                  _ body: @escaping @Sendable () async -> T) async -> T {
    await withTaskGroup(of: T?.self) { group in
        group.addTask { await body() }
        group.addTask {
            while !stop.isStopped {
                await stop.sleep(for: .seconds(3600))
                if Task.isCancelled { return nil }
            }
            onStop()
            return nil
        }
        var result: T?
        while let next = await group.next() {
            if let value = next {
                result = value
                group.cancelAll()
            }
        }
        // The group waits for both children, and only `body`'s child returns a value.
        guard let result else { preconditionFailure("withStopHandler: body finished without a result") }
        return result
    }
}
