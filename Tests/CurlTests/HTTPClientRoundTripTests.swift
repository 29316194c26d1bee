import Curl
import Foundation
import TestSupport
import Testing

@Suite("HTTPClient round trips against HTTPSink")
struct HTTPClientRoundTripTests {
    @Test func getSendsHeadersAndReturnsStatusHeadersAndBody() async throws {
        let sink = try HTTPSink(actions: [
            .respond(HTTPSinkResponse(status: 200, headers: [HTTPSinkHeader("X-Trace", "abc123")], body: Data("hello".utf8)))
        ])
        let request = HTTPRequest(
            url: sink.url("/channels?page=2&filter=x"),
            headers: [HTTPHeader(name: "D360-API-KEY", value: "k-1"), HTTPHeader(name: "Accept", value: "application/json")])

        let response = try await HTTPClient.shared.send(request)

        #expect(response.status == 200)
        #expect(response.bodyText == "hello")
        #expect(response.header("x-trace") == "abc123")
        let received = try #require(sink.requests.first)
        #expect(received.method == "GET")
        #expect(received.target == "/channels?page=2&filter=x")
        #expect(received.header("d360-api-key") == "k-1")
        #expect(received.header("Accept") == "application/json")
        #expect(received.body.isEmpty)
    }

    @Test func postSendsBodyAndReturnsNon2xxAsResponse() async throws {
        let sink = try HTTPSink(actions: [.respond(.json(#"{"error":"nope"}"#, status: 500))])
        let payload = Data(#"{"text":"channel went down"}"#.utf8)
        let request = HTTPRequest(
            method: "POST", url: sink.url("/hook"),
            headers: [(name: "Content-Type", value: "application/json")], body: payload)

        let response = try await HTTPClient.shared.send(request)

        #expect(response.status == 500)
        #expect(response.bodyText == #"{"error":"nope"}"#)
        #expect(response.header("Content-Type") == "application/json")
        let received = try #require(sink.requests.first)
        #expect(received.method == "POST")
        #expect(received.path == "/hook")
        #expect(received.body == payload)
        #expect(received.header("Content-Type") == "application/json")
        #expect(received.header("Content-Length") == String(payload.count))
    }

    @Test func putWithBinaryBodyArrivesByteForByte() async throws {
        let sink = try HTTPSink()
        let payload = Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0 * 7) })

        let response = try await HTTPClient.shared.send(
            HTTPRequest(method: "PUT", url: sink.url("/blob"), body: payload))

        #expect(response.status == 200)
        let received = try #require(sink.requests.first)
        #expect(received.method == "PUT")
        #expect(received.body == payload)
    }

    @Test func postWithEmptyBodySendsZeroContentLength() async throws {
        let sink = try HTTPSink()

        let response = try await HTTPClient.shared.send(HTTPRequest(method: "POST", url: sink.url("/ping"), body: Data()))

        #expect(response.status == 200)
        let received = try #require(sink.requests.first)
        #expect(received.method == "POST")
        #expect(received.header("Content-Length") == "0")
        #expect(received.body.isEmpty)
    }

    @Test func tooManyRequestsExposesRetryAfterSeconds() async throws {
        let sink = try HTTPSink(actions: [.respond(.tooManyRequests(retryAfter: "7"))])

        let response = try await HTTPClient.shared.send(HTTPRequest(url: sink.url("/limited")))

        #expect(response.status == 429)
        #expect(response.retryAfter == .seconds(7))
    }

    @Test func chunkedResponseBodyIsReassembled() async throws {
        let body = Data(String(repeating: "abcdefgh", count: 10_000).utf8)
        let sink = try HTTPSink(actions: [.respond(HTTPSinkResponse(body: body, chunked: true))])

        let response = try await HTTPClient.shared.send(HTTPRequest(url: sink.url("/big")))

        #expect(response.body == body)
    }
}
