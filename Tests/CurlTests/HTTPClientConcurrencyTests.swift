import Primitives
import Curl
import Foundation
import TestSupport
import Testing

/// Counts ticks from a task running on the cooperative pool.
private final class TickCounter: Sendable {
    private let count = LockedBox(0)

    func tick() { count.withLock { $0 += 1 } }
    var value: Int { count.value }
}

/// Blocks each arriving sink thread until `expected` have arrived (or the timeout passes).
private final class ArrivalGate: @unchecked Sendable {
    // `@unchecked Sendable`: all state is guarded by `condition`.
    private let condition = NSCondition()
    private let expected: Int
    private var arrived = 0

    init(expected: Int) { self.expected = expected }

    func arriveAndWait(timeout: TimeInterval) {
        condition.lock()
        defer { condition.unlock() }
        arrived += 1
        condition.broadcast()
        let deadline = Date().addingTimeInterval(timeout)
        while arrived < expected, condition.wait(until: deadline) {}
    }

    var allArrived: Bool {
        condition.lock()
        defer { condition.unlock() }
        return arrived >= expected
    }
}

@Suite("HTTPClient concurrency, reuse and cancellation")
struct HTTPClientConcurrencyTests {
    @Test func twentyRequestsAreInFlightAtOnceWithoutBlockingThePool() async throws {
        // The sink holds every request until all 20 have arrived: if the client sent them one
        // at a time, the first would wait for the others forever and the gate would time out.
        let gate = ArrivalGate(expected: 20)
        let sink = try HTTPSink { _ in
            gate.arriveAndWait(timeout: 20)
            return .respond(.text("released"))
        }
        let client = HTTPClient(maxConnectionsPerHost: 20)
        let ticks = TickCounter()
        let ticker = Task {
            while !Task.isCancelled {
                ticks.tick()
                try? await Task.sleep(for: .milliseconds(10))
            }
        }

        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<20 {
                group.addTask { try await client.send(HTTPRequest(url: sink.url("/item/\(index)"))).status }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let ticksDuringRequests = ticks.value
        ticker.cancel()

        #expect(statuses == Array(repeating: 200, count: 20))
        #expect(Set(sink.requests.map(\.path)).count == 20)
        #expect(gate.allArrived, "all 20 requests were in flight at the same time")
        // The ticker kept running while the transfers were held: the cooperative pool was free.
        #expect(ticksDuringRequests >= 1)
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

        #expect(ContinuousClock.now - cancelledAt < .seconds(15), "long before the 60 s timeout")
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
