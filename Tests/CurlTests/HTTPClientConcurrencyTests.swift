import Curl
import Foundation
import TestSupport
import Testing

/// Counts ticks from a task running on the cooperative pool.
private final class TickCounter: @unchecked Sendable {
    // `@unchecked Sendable`: `count` is only touched under `lock`.
    private let lock = NSLock()
    private var count = 0

    func tick() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

@Suite("HTTPClient concurrency, reuse and cancellation")
struct HTTPClientConcurrencyTests {
    @Test func twentyDelayedRequestsRunConcurrentlyWithoutBlockingThePool() async throws {
        let sink = try HTTPSink { _ in .respondAfter(.milliseconds(200), .text("late")) }
        let client = HTTPClient(maxConnectionsPerHost: 20)
        let ticks = TickCounter()
        let ticker = Task {
            while !Task.isCancelled {
                ticks.tick()
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        let started = ContinuousClock.now

        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<20 {
                group.addTask { try await client.send(HTTPRequest(url: sink.url("/item/\(index)"))).status }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let elapsed = ContinuousClock.now - started
        let ticksDuringRequests = ticks.value
        ticker.cancel()

        #expect(statuses == Array(repeating: 200, count: 20))
        #expect(Set(sink.requests.map(\.path)).count == 20)
        // Sequential would take 4 s; concurrent takes ~200 ms plus overhead.
        #expect(elapsed < .milliseconds(2000))
        // The ticker kept running while 20 transfers were in flight: the pool was free.
        #expect(ticksDuringRequests >= 5)
    }

    @Test func sequentialRequestsReuseOneConnection() async throws {
        let sink = try HTTPSink()
        let client = HTTPClient()

        for index in 0..<5 {
            let response = try await client.send(HTTPRequest(url: sink.url("/seq/\(index)")))
            #expect(response.status == 200)
        }

        #expect(sink.requests.count == 5)
        #expect(sink.acceptedConnections == 1)
        #expect(Set(sink.requests.map(\.connectionNumber)) == [1])
    }

    @Test func cancellingAHangingRequestThrowsCancellationErrorPromptly() async throws {
        let sink = try HTTPSink(actions: [.hang])
        let task = Task {
            try await HTTPClient.shared.send(HTTPRequest(url: sink.url("/forever"), timeout: .seconds(60)))
        }
        _ = try await sink.waitForRequests(count: 1)
        let cancelledAt = ContinuousClock.now

        task.cancel()
        let result = await task.result

        #expect(ContinuousClock.now - cancelledAt < .seconds(2))
        #expect(throws: CancellationError.self) { try result.get() }
    }

    @Test func alreadyCancelledTaskDoesNotSendAnything() async throws {
        let sink = try HTTPSink()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await HTTPClient.shared.send(HTTPRequest(url: sink.url("/never")))
        }

        let result = await task.result

        #expect(throws: CancellationError.self) { try result.get() }
        #expect(sink.requests.isEmpty)
    }

    @Test func clientStillWorksAfterACancelledTransfer() async throws {
        let sink = try HTTPSink(actions: [.hang])
        let client = HTTPClient()
        let task = Task { try await client.send(HTTPRequest(url: sink.url("/hang"))) }
        _ = try await sink.waitForRequests(count: 1)
        task.cancel()
        _ = await task.result

        let response = try await client.send(HTTPRequest(url: sink.url("/after")))

        #expect(response.status == 200)
        #expect(sink.requests.last?.path == "/after")
    }
}
