import Foundation
import FuzzSupport
import JSON
@testable import Rules

/// A channel as the Partner API lists it, with the fields rule templates use.
let channel: JSONValue = .object([
    "id": .string("ch_fuzz"), "phone_number": .string("+49 30 1234"),
    "current_quality_rating": .string("RED"), "current_limit": .string("TIER_1K"),
    "setup_info": .object(["phone_number": .string("+49 30 1234"), "phone_name": .string("Ana & <Co> \"x\"")]),
    "waba_account": .object(["id": .string("waba_1"), "status": .string("BANNED"), "name": .string("{{not a tag}}")]),
    "tags": .array([.string("vip"), .string("eu")]), "empty": .array([]), "zero": .number(0), "ratio": .number(0.25),
    "verified": .bool(true), "blocked": .bool(false), "note": .null,
])
// Read-only; libFuzzer calls the entry point from one thread.
nonisolated(unsafe) let variables = TemplateVariables(
    channel: channel, previous: .object(["current_quality_rating": .string("GREEN")]),
    field: "current_quality_rating", from: "GREEN", to: "RED", rule: "quality_low", severity: .warning,
    labels: ["client": "acme", "team": "ops"], status: .firing, partnerID: "p_fuzz",
    observedAt: Date(timeIntervalSince1970: 1_764_806_400),
    webhook: .object(["event": .string("channel_updated"), "data": .object(["id": .string("ch_fuzz")])]))

/// The Mustache renderer: any template parses or is refused with a message naming its line and
/// column, renders without crashing, and — when the compiled fast path takes it — renders
/// exactly what swift-mustache renders.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTemplate(_ pointer: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let source = String(decoding: UnsafeBufferPointer(start: pointer, count: size), as: UTF8.self)
    guard let template = try? RuleTemplate(source) else { return 0 }
    let rendered = template.render(variables)
    if template.compiled != nil {
        let reference = template.renderWithMustache(variables)
        require(rendered == reference, "compiled \(rendered.debugDescription) but swift-mustache \(reference.debugDescription)")
    }
    return 0
}

@_cdecl("TemplateFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzTemplate)
}
