import Curl
import Foundation
import TestSupport
import Testing

@Suite("HTTPClient TLS verification")
struct HTTPClientTLSTests {
    @Test func selfSignedServerFailsVerificationWithoutItsCA() async throws {
        let server = try await TLSTestServer.start()
        defer { server.stop() }

        let error = await #expect(throws: CurlError.self) {
            try await HTTPClient.shared.send(HTTPRequest(url: server.url, timeout: .seconds(10)))
        }

        #expect(error?.kind == .tls)
        #expect(error?.isTransient == false)
    }

    @Test func supplyingTheCAFileMakesTheSameServerTrusted() async throws {
        let server = try await TLSTestServer.start()
        defer { server.stop() }
        let request = HTTPRequest(url: server.url, timeout: .seconds(10), tls: TLSOptions(caFile: server.caFile))

        let response = try await HTTPClient.shared.send(request)

        #expect(response.status == 200)
        #expect(response.bodyText.contains("s_server"))
    }

    @Test func certificateForAnotherHostIsRejectedEvenWithTheCA() async throws {
        let server = try await TLSTestServer.start(subjectAltNames: ["DNS:elsewhere.invalid"])
        defer { server.stop() }
        let request = HTTPRequest(url: server.url, timeout: .seconds(10), tls: TLSOptions(caFile: server.caFile))

        let error = await #expect(throws: CurlError.self) { try await HTTPClient.shared.send(request) }

        #expect(error?.kind == .tls)
        #expect(error?.code == 60)  // CURLE_PEER_FAILED_VERIFICATION: the host name check failed
    }

    @Test func missingCAFileIsAConfigurationError() async throws {
        let server = try await TLSTestServer.start()
        defer { server.stop() }
        let request = HTTPRequest(
            url: server.url, timeout: .seconds(10), tls: TLSOptions(caFile: "/nonexistent/ca.pem"))

        let error = await #expect(throws: CurlError.self) { try await HTTPClient.shared.send(request) }

        #expect(error?.kind == .tls)
        #expect(error?.isTransient == false)
    }
}
