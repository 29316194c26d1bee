import Curl
import Foundation
import TestSupport
import Testing

@Suite("URL redaction")
struct URLRedactionTests {
    @Test(arguments: [
        ("https://user:hunter2@api.example.com/v1/x", "https://api.example.com/v1/x"),
        ("https://api.example.com/v1?key=abc&page=2", "https://api.example.com/v1?key=***&page=2"),
        ("https://h.example/p?token=t1&sig=s1&api_key=a1&access_token=x1", "https://h.example/p?token=***&sig=***&api_key=***&access_token=***"),
        ("https://h.example/p?Signature=s&X-Amz-Signature=q&password=p&secret=s2", "https://h.example/p?Signature=***&X-Amz-Signature=***&password=***&secret=***"),
        ("http://127.0.0.1:8080/a/b?flag&limit=10", "http://127.0.0.1:8080/a/b?flag&limit=10"),
        ("not a url at all", "<unparseable URL>"),
    ])
    func standardRedaction(input: String, expected: String) {
        #expect(URLRedaction.standard.redact(input) == expected)
    }

    @Test func hidePathKeepsOnlyTheOrigin() {
        let webhook = "https://hooks.slack.com/services/T000/B000/XXXXSECRET?x=1"
        #expect(URLRedaction.hidePath.redact(webhook) == "https://hooks.slack.com/***")
        #expect(URLRedaction.hidePath.redact("http://user:pw@127.0.0.1:9/a") == "http://127.0.0.1:9/***")
    }

    @Test func failingRequestErrorContainsNoSecret() async throws {
        let closedPort = try ClosedPort()
        defer { closedPort.close() }
        let port = closedPort.port
        let request = HTTPRequest(
            url: "http://alice:pa55word@127.0.0.1:\(port)/v1/channels?api_key=KEY123SECRET&page=1")

        let error = await #expect(throws: CurlError.self) { try await HTTPClient.shared.send(request) }

        let text = try #require(error).description
        #expect(!text.contains("pa55word"))
        #expect(!text.contains("alice"))
        #expect(!text.contains("KEY123SECRET"))
        #expect(text.contains("api_key=***"))
        #expect(text.contains("/v1/channels"))
    }

    @Test func hiddenPathNeverAppearsInTimeoutErrors() async throws {
        let sink = try HTTPSink(actions: [.hang])
        let request = HTTPRequest(
            method: "POST", url: sink.url("/services/T1/B2/WEBHOOKSECRET"), body: Data("{}".utf8),
            timeout: .seconds(1), redaction: .hidePath)

        let error = await #expect(throws: CurlError.self) { try await HTTPClient.shared.send(request) }

        let text = try #require(error).description
        #expect(error?.kind == .timeout)
        #expect(!text.contains("WEBHOOKSECRET"))
        #expect(!text.contains("/services"))
        #expect(text.contains("POST http://127.0.0.1:\(sink.port)/***"))
        // Recorded by the sink's thread, possibly after the client's timeout: wait for it.
        #expect(try await sink.waitForRequests(count: 1).first?.path == "/services/T1/B2/WEBHOOKSECRET")
    }
}
