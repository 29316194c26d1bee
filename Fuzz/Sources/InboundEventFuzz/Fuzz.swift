import Foundation

/// libFuzzer's entry point: any input must be read into an event or refused with an
/// `InboundEventError`, never crash, hang or grow without bound.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInboundEvent(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Data(bytes: data, count: size)
    if let event = try? InboundEvent.parse(body) {
        precondition(event.name.count <= InboundEvent.maximumTextLength, "an event name longer than the limit")
        precondition(event.references.channelIDs.count <= InboundEvent.maximumReferences, "more references than the limit")
    }
    return 0
}

/// libFuzzer's driver (compiler-rt), started from the executable's entry point: SwiftPM links an
/// executable target's `main` to `<module>_main`, so libFuzzer's own `main` is not used.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@_cdecl("InboundEventFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return runFuzzerDriver(&argc, &argv, fuzzInboundEvent)
}
