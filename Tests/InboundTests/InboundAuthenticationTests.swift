import Config
import Crypto
import Foundation
import Inbound
import Testing

@Suite struct InboundAuthenticationTests {
    static let secret = Secret("platform-secret-0123456789")
    static let body = Data(#"{"event":"channel_created","data":{"id":"c1"}}"#.utf8)

    static func hex(_ body: Data, _ secret: String) -> String {
        HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
            .map { String(format: "%02x", $0) }.joined()
    }

    @Test func aSignatureOverTheRawBodyIsAcceptedInEitherCaseWithOrWithoutPrefix() {
        let digest = Self.hex(Self.body, Self.secret.revealed)
        #expect(InboundSignature.headerValue(body: Self.body, secret: Self.secret) == digest)
        for header in [digest, digest.uppercased(), "sha256=" + digest, "SHA256=" + digest, " \(digest) "] {
            #expect(InboundSignature.isValid(header, body: Self.body, secrets: [Self.secret]), "\(header)")
        }
    }

    @Test func anyChangeToBodyOrSignatureIsRefused() {
        let digest = Self.hex(Self.body, Self.secret.revealed)
        var tampered = Self.body
        tampered[5] ^= 1
        #expect(!InboundSignature.isValid(digest, body: tampered, secrets: [Self.secret]))
        let flipped = String(digest.dropLast()) + (digest.last == "0" ? "1" : "0")
        for header in [flipped, String(digest.dropLast()), digest + "0", "", "sha256=", "zz" + digest.dropFirst(2), nil] {
            #expect(!InboundSignature.isValid(header, body: Self.body, secrets: [Self.secret]), "\(header ?? "nil")")
        }
        #expect(!InboundSignature.isValid(digest, body: Self.body, secrets: []))
        #expect(!InboundSignature.isValid(digest, body: Self.body, secrets: [Secret("")]))
    }

    @Test func eitherOfTwoSecretsIsAcceptedWhileRotating() {
        let old = Secret("old-secret-abcdef"), new = Secret("new-secret-123456")
        #expect(InboundSignature.isValid(Self.hex(Self.body, old.revealed), body: Self.body, secrets: [old, new]))
        #expect(InboundSignature.isValid(Self.hex(Self.body, new.revealed), body: Self.body, secrets: [old, new]))
        #expect(!InboundSignature.isValid(Self.hex(Self.body, "third"), body: Self.body, secrets: [old, new]))
    }

    @Test func basicCredentialsMustMatchExactly() {
        let auth = InboundBasicAuth(username: "partner", password: Secret("s3cret-pass"))
        #expect(auth.accepts(auth.headerValue))
        #expect(auth.accepts("basic " + Data("partner:s3cret-pass".utf8).base64EncodedString()))
        for wrong in ["partner:s3cret-pas", "partner:s3cret-pass ", "Partner:s3cret-pass", ":s3cret-pass", "partner"] {
            #expect(!auth.accepts("Basic " + Data(wrong.utf8).base64EncodedString()), "\(wrong)")
        }
        #expect(!auth.accepts("Bearer " + Data("partner:s3cret-pass".utf8).base64EncodedString()))
        #expect(!auth.accepts("Basic not-base64!"))
        #expect(!auth.accepts(nil))
    }

    @Test func everyConfiguredMethodMustPass() {
        let basic = InboundBasicAuth(username: "u", password: Secret("p4ssword"))
        let both = InboundAuthentication(secrets: [Self.secret], basicAuth: basic)
        let signature = Self.hex(Self.body, Self.secret.revealed)
        #expect(both.accepts(signature: signature, authorization: basic.headerValue, body: Self.body))
        #expect(!both.accepts(signature: signature, authorization: nil, body: Self.body))
        #expect(!both.accepts(signature: nil, authorization: basic.headerValue, body: Self.body))
        #expect(!InboundAuthentication(secrets: [], basicAuth: nil).accepts(signature: signature, authorization: nil, body: Self.body))
    }
}
