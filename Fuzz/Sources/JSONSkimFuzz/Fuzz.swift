import Foundation
import FuzzSupport
import JSON

/// The skimming parser (how a page of channels is read) against `JSONSerialization`: the same
/// documents accepted and refused; for accepted ones the same top-level members, the same number
/// of `partner_channels` elements, each element's `id` the same and its bytes the same element.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSkimmingParser(_ pointer: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let data = Data(bytes: pointer, count: size)
    let skimming = Result { () throws(JSONSyntaxError) in try JSONParser.parseSkimmingElements(data, of: "partner_channels") }
    let skimmed = try? skimming.get()
    let reference = FoundationJSON.parse(data)
    if let skimmed, let parsed = try? JSONParser.parse(data, recordingElementsOf: "partner_channels") {
        require(parsed.elementRanges == skimmed.elements.map(\.range), "skimmed element ranges differ from the full parser's")
    }
    guard DifferentialScope.exclusion(data) == nil, !DifferentialScope.foundationSkippedARangeCheck(skimming, reference) else { return 0 }
    require((skimmed != nil) == (reference != nil),
            "the skimming parser \(skimmed == nil ? "refuses" : "accepts") what JSONSerialization \(reference == nil ? "refuses" : "accepts")")
    guard let skimmed, let reference else { return 0 }
    guard case .object(var members) = reference else {
        require(skimmed.members == nil && skimmed.elements.isEmpty, "members or elements read from a document that is not an object")
        return 0
    }
    let channels = members.removeValue(forKey: "partner_channels")
    require(skimmed.members.map { FoundationJSON.same(.object($0), .object(members)) } ?? false, "top-level members differ")
    guard case .array(let items)? = channels else {
        require(!skimmed.hasArray && skimmed.elements.isEmpty, "elements skimmed from a 'partner_channels' that is not an array")
        return 0
    }
    require(skimmed.hasArray && skimmed.elements.count == items.count, "\(skimmed.elements.count) elements skimmed, \(items.count) in the document")
    for (element, item) in zip(skimmed.elements, items) {
        let expectedID: JSONValue? = if case .object(let fields) = item { fields["id"] } else { nil }
        require(element.id.map { id in expectedID.map { FoundationJSON.same(id, $0) } ?? false } ?? (expectedID == nil),
                "element id \(String(describing: element.id)) differs from \(String(describing: expectedID))")
        let bytes = data.subdata(in: (data.startIndex + element.range.lowerBound)..<(data.startIndex + element.range.upperBound))
        require(FoundationJSON.parse(bytes).map { FoundationJSON.same($0, item) } ?? false, "an element's bytes are not the element")
    }
    return 0
}

@_cdecl("JSONSkimFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzSkimmingParser)
}
