import Foundation
import JSON
import Testing

/// What the fuzzers found (docs/fuzzing.md), one test per finding: both parsers now refuse what
/// `JSONSerialization` refuses, and the two parsers agree with each other.
@Suite("JSON fuzzing findings")
struct JSONFuzzFindingsTests {
    static let refused: [(name: String, bytes: [UInt8])] = [
        // JSONSkimFuzz/JSONParserFuzz: invalid UTF-8 in a string was read as U+FFFD.
        ("invalid UTF-8 in a member name", Array(#"{"pr"#.utf8) + [0x98] + Array(#"tner":1}"#.utf8)),
        ("invalid UTF-8 in a skipped element's string",
         Array(#"{"partner_channels":[{"name":""#.utf8) + [0xCF, 0x5F] + Array(#""}]}"#.utf8)),
        ("a truncated UTF-8 sequence before an escape", Array(#"["\"#.utf8) + [] + Array(#"n"#.utf8) + [0xE2, 0x82] + Array(#""]"#.utf8)),
        // Found while fixing the above (same class): a lone surrogate was replaced by U+FFFD.
        ("a lone high surrogate", Array(#"["\ud800"]"#.utf8)),
        ("a lone low surrogate in an element", Array(#"{"partner_channels":[{"id":"\udc00"}]}"#.utf8)),
        // Double("1e400") is infinity.
        ("a number beyond Double's range", Array(#"[1e400]"#.utf8)),
        ("a number beyond Double's range in a skipped element", Array(#"{"partner_channels":[{"n":-1E+999}]}"#.utf8)),
    ]

    @Test("both parsers refuse it", arguments: refused.map(\.name))
    func refusedByBoth(name: String) throws {
        let data = Data(try #require(Self.refused.first { $0.name == name }).bytes)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(data) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parseSkimmingElements(data, of: "partner_channels") }
        #expect((try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) == nil)
    }

    @Test("valid UTF-8 and surrogate pairs still read", arguments: [
        #"{"partner_channels":[{"id":"é☃","n":"\ud83d\ude00"}],"x":"Müller"}"#, #"[1e308, -2.5E-400]"#,
    ])
    func validStillReads(text: String) throws {
        let data = Data(text.utf8)
        #expect(try JSONParser.parse(data) == (try JSONValue(parsing: data)))
        _ = try JSONParser.parseSkimmingElements(data, of: "partner_channels")
    }

    // JSONSkimFuzz: with "partner_channels" repeated, first an array and then an object, the full
    // parser kept the first array's element ranges while the last value (no array) wins.
    @Test("a repeated recorded member that ends as a non-array records no ranges")
    func repeatedRecordedMember() throws {
        let data = Data(#"{"partner_channels":[{"id":1,"id":2}],"partner_channels":{"meta":false}}"#.utf8)
        let parsed = try JSONParser.parse(data, recordingElementsOf: "partner_channels")
        let skimmed = try JSONParser.parseSkimmingElements(data, of: "partner_channels")
        #expect(parsed.elementRanges.isEmpty)
        #expect(skimmed.elements.isEmpty && !skimmed.hasArray)
    }
}
