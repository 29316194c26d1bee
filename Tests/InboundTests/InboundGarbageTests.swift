import Config
import Foundation
import Inbound
import Testing
import TestSupport

/// Whatever arrives, the reader and the verdict answer (an event or a clear refusal) and never
/// crash: mutated real payloads, random bytes, deep nesting, odd encodings.
@Suite struct InboundGarbageTests {
    static let seeds = [
        #"{"id": "evt-1", "event": "channel_live", "data": {"id": "ch-9", "client_id": "cl-1", "setup_info": {"phone_number": "+49 30 1234"}, "waba_account": {"id": "waba-7"}}}"#,
        #"{"object": "whatsapp_business_account", "entry": [{"id": "1029", "changes": [{"field": "account_update", "value": {"event": "ACCOUNT_VIOLATION", "phone_number": "15550100"}}]}]}"#,
        #"{"event": "client_created", "data": {"id": "cl-5", "name": "Acme \u00e9\ud83d\ude00"}}"#,
    ]

    @Test func mutatedAndRandomBodiesAreReadOrRefusedWithAReason() {
        var random = SeededGenerator(state: 0xC0FFEE)
        let interesting: [UInt8] = Array(#"{}[]":,\-0123456789eE.tfnul "#.utf8) + [0, 0x7F, 0x80, 0xC3, 0xFF, 0xED, 0xA0]
        var accepted = 0, refused = 0
        for round in 0..<20_000 {
            var bytes: [UInt8]
            if round % 10 == 0 {
                bytes = (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            } else {
                bytes = Array(Self.seeds[round % Self.seeds.count].utf8)
                for _ in 0..<Int.random(in: 1...6, using: &random) where !bytes.isEmpty {
                    let index = Int.random(in: 0..<bytes.count, using: &random)
                    switch Int.random(in: 0..<4, using: &random) {
                    case 0: bytes[index] = interesting.randomElement(using: &random)!
                    case 1: bytes.remove(at: index)
                    case 2: bytes.insert(interesting.randomElement(using: &random)!, at: index)
                    default: bytes.insert(contentsOf: bytes[index..<min(bytes.count, index + 8)], at: index)
                    }
                }
            }
            do {
                let event = try InboundEvent.parse(Data(bytes))
                #expect(event.name.count <= 200)
                accepted += 1
            } catch {
                #expect(!error.message.isEmpty)
                refused += 1
            }
        }
        #expect(accepted > 1000 && refused > 1000, "\(accepted) accepted, \(refused) refused")
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: InboundEventError.self) { try InboundEvent.parse(Data((#"{"data": "# + deep + "}").utf8)) }
        let deepObjects = String(repeating: #"{"a":"#, count: 50_000) + "1" + String(repeating: "}", count: 50_000)
        #expect(throws: InboundEventError.self) { try InboundEvent.parse(Data(deepObjects.utf8)) }
    }

    @Test func theVerdictAnswersEveryGarbageRequest() {
        var random = SeededGenerator(state: 42)
        let secret = Secret("platform-secret-0123456789")
        for _ in 0..<2_000 {
            let body = Data((0..<Int.random(in: 0...200, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
            let signed = Bool.random(using: &random)
            let request = InboundRequest(
                method: ["POST", "GET", "PUT", ""].randomElement(using: &random)!,
                path: ["/webhooks/360dialog/p1", "/", "/webhooks/360dialog/", "/webhooks/360dialog/p1/x", "//"].randomElement(using: &random)!,
                signature: signed ? InboundSignature.headerValue(body: body, secret: secret) : "sha256=" + String(repeating: "0", count: 64),
                authorization: nil, body: body)
            let verdict = request.verdict { $0 == "p1" ? InboundAuthentication(secrets: [secret], basicAuth: nil) : nil }
            #expect([200, 400, 401, 404, 405].contains(verdict.status))
            if !signed { #expect(verdict.status != 200) }
        }
    }
}
