import Foundation
import FuzzSupport
import JSON

/// The full JSON parser against `JSONSerialization` (same documents accepted, same values), and
/// against itself: what it writes back reads as the same document.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParser(_ pointer: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let data = Data(bytes: pointer, count: size)
    let parsing = Result { () throws(JSONSyntaxError) in try JSONParser.parse(data) }
    let parsed = try? parsing.get()
    if let parsed {
        let written = parsed.compactJSON()
        let reread = try? JSONParser.parse(written)
        require(reread.map { FoundationJSON.same($0, parsed) } ?? false,
                "written back as \(String(decoding: written.prefix(200), as: UTF8.self)), which reads differently")
    }
    guard DifferentialScope.exclusion(data) == nil else { return 0 }
    let reference = FoundationJSON.parse(data)
    guard !DifferentialScope.foundationSkippedARangeCheck(parsing, reference) else { return 0 }
    require((parsed != nil) == (reference != nil),
            "the parser \(parsed == nil ? "refuses" : "accepts") what JSONSerialization \(reference == nil ? "refuses" : "accepts")")
    if let parsed, let reference {
        require(FoundationJSON.same(parsed, reference), "values differ: \(parsed) vs \(reference)")
    }
    return 0
}

@_cdecl("JSONParserFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzParser)
}
