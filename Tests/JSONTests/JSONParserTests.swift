import Foundation
import JSON
import Testing

@Suite("JSON parser and writer")
struct JSONParserTests {
    @Test("parses every JSON value kind")
    func parsesValues() throws {
        let value = try JSONParser.parse(Data(#" {"a": [true, false, null, -1.5e2, 0, "x\"\\\/\n\t"], "b": {}, "c": []} "#.utf8))
        #expect(value == .object([
            "a": .array([.bool(true), .bool(false), .null, .number(-150), .number(0), .string("x\"\\/\n\t")]),
            "b": .object([:]), "c": .array([]),
        ]))
    }

    @Test("agrees with Foundation's decoder on a channel-like document")
    func agreesWithFoundation() throws {
        let text = #"{"id": "c1", "n": 12345678901, "f": 0.25, "u": "\u00fc\ud83d\ude00", "nested": {"list": [1, {"k": null}]}}"#
        #expect(try JSONParser.parse(Data(text.utf8)) == (try JSONValue(parsing: Data(text.utf8))))
    }

    @Test("rejects malformed input with the byte offset", arguments: [
        "", "{", #"{"a" 1}"#, "[1,]", "01", "tru", #""unterminated"#, "{} {}", #"{"a": "\x"}"#, "1.", "-",
    ])
    func rejectsMalformed(text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Data(text.utf8)) }
    }

    @Test("reports the byte range of each element of the recorded array")
    func recordsElementRanges() throws {
        let text = #"{"x": [9], "items": [ {"id": 1} , [2], "three" ], "y": {"items": [5]}}"#
        let data = Data(text.utf8)
        let parsed = try JSONParser.parse(data, recordingElementsOf: "items")
        let pieces = parsed.elementRanges.map { String(decoding: data[$0], as: UTF8.self) }
        #expect(pieces == [#"{"id": 1}"#, "[2]", #""three""#])
    }

    @Test("refuses absurd nesting instead of overflowing the stack")
    func limitsDepth() {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Data(text.utf8)) }
    }

    @Test("the compact writer gives the same bytes as the sorted-keys encoder")
    func writerMatchesEncoder() throws {
        let value = try JSONParser.parse(Data(#"{"b": [1, 2.5, "q\"uote\n", null, true], "a": {"z": "é/\u0001", "y": -3}}"#.utf8))
        #expect(value.compactJSON() == value.encoded())
        #expect(try JSONParser.parse(value.compactJSON()) == value)
    }

    @Test("set and remove by dotted path")
    func mutation() throws {
        var value = try JSONParser.parse(Data(#"{"a": {"b": 1}, "s": "x"}"#.utf8))
        value.set(.string("Low"), at: "a.c")
        value.set(.number(2), at: "s.deep")
        value.remove(at: "a.b")
        value.remove(at: "missing.path")
        #expect(value == .object(["a": .object(["c": .string("Low")]), "s": .object(["deep": .number(2)])]))
    }
}
