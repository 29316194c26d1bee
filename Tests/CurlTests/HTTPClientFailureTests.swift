import Curl
import Foundation
import TestSupport
import Testing

@Suite("HTTPClient failures are classified")
struct HTTPClientFailureTests {
    @Test func hangingServerHitsTheTotalTimeoutQuickly() async throws {
        let sink = try HTTPSink(actions: [.hang])
        let started = ContinuousClock.now

        let error = await #expect(throws: CurlError.self) {
            try await HTTPClient.shared.send(HTTPRequest(url: sink.url("/slow"), timeout: .seconds(2)))
        }

        #expect(error?.kind == .timeout)
        #expect(error?.isTransient == true)
        #expect(error?.code == 28)
        #expect(ContinuousClock.now - started < .seconds(30), "the timeout ended it, not the hanging server")
        // The sink's thread records the request on its own schedule, possibly after the client
        // gave up: wait for it rather than read the list at once.
        #expect(try await sink.waitForRequests(count: 1).count == 1)
    }

    @Test func responseLargerThanTheCapWithContentLengthFails() async throws {
        let sink = try HTTPSink(actions: [.respond(HTTPSinkResponse(body: Data(count: 5000)))])

        let error = await #expect(throws: CurlError.self) {
            try await HTTPClient.shared.send(HTTPRequest(url: sink.url("/"), maxResponseBytes: 1000))
        }

        #expect(error?.kind == .responseTooLarge)
        #expect(error?.isTransient == false)
    }

    @Test func chunkedResponseLargerThanTheCapIsAbortedWhileStreaming() async throws {
        // No Content-Length: only the write callback can notice the overflow.
        let sink = try HTTPSink(actions: [.respond(HTTPSinkResponse(body: Data(count: 200_000), chunked: true))])

        let error = await #expect(throws: CurlError.self) {
            try await HTTPClient.shared.send(HTTPRequest(url: sink.url("/"), maxResponseBytes: 50_000))
        }

        #expect(error?.kind == .responseTooLarge)
        #expect(error?.description.contains("50000 bytes") == true)
    }

    @Test func responseExactlyAtTheCapSucceeds() async throws {
        let sink = try HTTPSink(actions: [.respond(HTTPSinkResponse(body: Data(count: 1000), chunked: true))])

        let response = try await HTTPClient.shared.send(HTTPRequest(url: sink.url("/"), maxResponseBytes: 1000))

        #expect(response.body.count == 1000)
    }

    @Test func refusedConnectionIsTransientConnectionError() async throws {
        let closedPort = try ClosedPort()
        defer { closedPort.close() }
        let port = closedPort.port

        let error = await #expect(throws: CurlError.self) {
            try await HTTPClient.shared.send(HTTPRequest(url: "http://127.0.0.1:\(port)/"))
        }

        #expect(error?.kind == .connection)
        #expect(error?.isTransient == true)
        #expect(error?.description.contains("127.0.0.1:\(port)") == true)
    }

    @Test func droppedConnectionIsTransientError() async throws {
        let sink = try HTTPSink(actions: [.dropConnection])

        let error = await #expect(throws: CurlError.self) {
            try await HTTPClient.shared.send(HTTPRequest(url: sink.url("/")))
        }

        #expect(error?.kind == .connection)
        #expect(error?.isTransient == true)
    }

    @Test func unsupportedSchemeIsAnInvalidRequest() async throws {
        let error = await #expect(throws: CurlError.self) {
            try await HTTPClient.shared.send(HTTPRequest(url: "file:///etc/passwd"))
        }

        #expect(error?.kind == .invalidRequest)
        #expect(error?.isTransient == false)
    }
}
