import Foundation
import FuzzSupport

/// libFuzzer's entry point: any input must be read into an event or refused with an
/// `InboundEventError`, never crash, hang or grow without bound.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInboundEvent(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Data(bytes: data, count: size)
    if let event = try? InboundEvent.parse(body) {
        require(event.name.count <= InboundEvent.maximumTextLength, "an event name longer than the limit")
        require(event.references.channelIDs.count <= InboundEvent.maximumReferences, "more references than the limit")
    }
    return 0
}

@_cdecl("InboundEventFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzInboundEvent)
}
