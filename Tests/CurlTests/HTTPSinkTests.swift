import Curl
import Foundation
import TestSupport
import Testing

@Suite("HTTPSink request handling")
struct HTTPSinkTests {
    @Test func chunkedRequestBodyWithExpectContinueIsReassembled() async throws {
        let sink = try HTTPSink()
        let payload = Data(String(repeating: "0123456789", count: 5000).utf8)
        let request = HTTPRequest(
            method: "POST", url: sink.url("/upload"),
            headers: [
                HTTPHeader(name: "Transfer-Encoding", value: "chunked"),
                HTTPHeader(name: "Expect", value: "100-continue"),
            ],
            body: payload)

        let response = try await HTTPClient.shared.send(request)

        #expect(response.status == 200)
        let received = try #require(sink.requests.first)
        #expect(received.header("Transfer-Encoding") == "chunked")
        #expect(received.body == payload)
    }

    @Test func scriptedQueueThenFallbackClosure() async throws {
        let sink = try HTTPSink(actions: [.respond(.text("first", status: 201))]) { request in
            .respond(.text("fallback for \(request.path)", status: 202))
        }
        sink.enqueue(.respond(.text("second", status: 203)))

        var statuses: [Int] = []
        var bodies: [String] = []
        for path in ["/a", "/b", "/c"] {
            let response = try await HTTPClient.shared.send(HTTPRequest(url: sink.url(path)))
            statuses.append(response.status)
            bodies.append(response.bodyText)
        }

        #expect(statuses == [201, 203, 202])
        #expect(bodies == ["first", "second", "fallback for /c"])
    }

    @Test func delayedResponseArrivesAfterTheDelay() async throws {
        let sink = try HTTPSink(actions: [.respondAfter(.milliseconds(300), .text("late"))])
        let started = ContinuousClock.now

        let response = try await HTTPClient.shared.send(HTTPRequest(url: sink.url("/")))

        #expect(response.bodyText == "late")
        #expect(ContinuousClock.now - started >= .milliseconds(300))
    }

    @Test func headRequestGetsHeadersWithoutBody() async throws {
        let sink = try HTTPSink(actions: [.respond(.text("body that must not be sent"))])

        let response = try await HTTPClient.shared.send(HTTPRequest(method: "HEAD", url: sink.url("/")))

        #expect(response.status == 200)
        #expect(response.body.isEmpty)
        #expect(response.header("Content-Length") == "26")
        #expect(sink.requests.first?.method == "HEAD")
    }
}
