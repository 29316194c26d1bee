import Config
import Crypto
import Foundation
import Inbound
import Testing

@Suite struct InboundRequestTests {
    static let secret = Secret("platform-secret-0123456789")
    static let body = Data(#"{"id": "e1", "event": "channel_ready", "data": {"id": "c1"}}"#.utf8)

    func verdict(method: String = "POST", path: String = "/webhooks/360dialog/p1", signature: String? = nil,
                 body: Data = body, tooLarge: Bool = false) -> InboundVerdict {
        let request = InboundRequest(method: method, path: path,
                                     signature: signature ?? InboundSignature.headerValue(body: body, secret: Self.secret),
                                     authorization: nil, body: body, bodyTooLarge: tooLarge)
        return request.verdict { $0 == "p1" ? InboundAuthentication(secrets: [Self.secret], basicAuth: nil) : nil }
    }

    @Test func aSignedEventIsAcceptedWithItsIdAsKey() {
        guard case .accepted(let partner, let event, let key) = verdict() else { Issue.record("not accepted"); return }
        #expect(partner == "p1" && event.name == "channel_ready" && key == "id:e1")
    }

    @Test func anEventWithoutIdIsKeyedByTheBodysHash() {
        let body = Data(#"{"event": "channel_ready"}"#.utf8)
        guard case .accepted(_, _, let key) = verdict(body: body) else { Issue.record("not accepted"); return }
        #expect(key == "sha256:" + body.sha256Hex)
    }

    @Test func refusalsInTheirOrder() {
        #expect(verdict(path: "/webhooks/360dialog/unknown").status == 404)
        #expect(verdict(path: "/webhooks/other/p1").status == 404)
        #expect(verdict(path: "/webhooks/360dialog/p1/extra").status == 404)
        #expect(verdict(method: "GET").status == 405)
        #expect(verdict(tooLarge: true).status == 413)
        #expect(verdict(body: Data(count: InboundRequest.maximumBodyBytes + 1)).status == 413)
        #expect(verdict(signature: "sha256=00").status == 401)
        let notObject = Data("[1]".utf8)
        #expect(verdict(signature: InboundSignature.headerValue(body: notObject, secret: Self.secret), body: notObject).status == 400)
        // Authentication comes before parsing: an unsigned bad body is 401, not 400.
        #expect(verdict(signature: "x", body: notObject).status == 401)
    }

    @Test func thePartnerIdIsTheLastPathSegmentDecoded() {
        #expect(InboundRequest.partnerID(inPath: "/webhooks/360dialog/p%201?x=1") == "p 1")
        #expect(InboundRequest.partnerID(inPath: "/webhooks/360dialog/") == nil)
    }
}

extension Data {
    var sha256Hex: String {
        SHA256.hash(data: self).map { String(format: "%02x", $0) }.joined()
    }
}
