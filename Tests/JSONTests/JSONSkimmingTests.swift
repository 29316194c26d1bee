import Foundation
import JSON
import Testing

/// ``JSONParser/parseSkimmingElements(_:of:)``: the page reader that validates every byte but
/// builds only the ids, so its verdicts must match the full parser's.
@Suite("JSON skimming of a page")
struct JSONSkimmingTests {
    @Test("locates each element and reads its id as the full parser does")
    func agreesWithTheFullParser() throws {
        let text = #"""
            {"total": 3, "partner_channels": [
              {"id": "a", "nested": {"id": "inner", "list": [1, -2.5e3, true, null, "x\"y"]}},
              {"name": "no id", "i\u0064": "escaped"},
              [1, 2], "text", {}, {"id": 7}, {"id": "dup", "id": "last"}
            ], "offset": 0}
            """#
        let data = Data(text.utf8)
        let skimmed = try JSONParser.parseSkimmingElements(data, of: "partner_channels")
        let full = try JSONParser.parse(data, recordingElementsOf: "partner_channels")
        guard case .array(let items)? = full.value["partner_channels"] else {
            Issue.record("no array")
            return
        }
        #expect(skimmed.hasArray)
        #expect(skimmed.elements.map(\.range) == full.elementRanges)
        #expect(skimmed.elements.map(\.id) == items.map { $0["id"] })
        #expect(skimmed.members == ["total": .number(3), "offset": .number(0)])
    }

    @Test("rejects what the full parser rejects", arguments: [
        "", "{", #"{"a" 1}"#, "[1,]", "01", "tru", #""unterminated"#, "{} {}", #"{"a": "\x"}"#, "1.", "-",
        #"{"partner_channels": [{"id": "a",}]}"#, #"{"partner_channels": [{"id": "a"} {"id": "b"}]}"#,
        #"{"partner_channels": [{"id": "a", "n": 01}]}"#, #"{"partner_channels": [{"id": "a", "s": "\q"}]}"#,
        #"{"partner_channels": [{"id": "a", "s": "\u12"}]}"#, #"{"partner_channels": [{"id": "a", "n": 1e}]}"#,
        #"{"partner_channels": [{"id": "a", "l": [1 2]}]}"#, #"{"partner_channels": [{"id": "a"}"#,
        "{\"partner_channels\": [{\"id\": \"a\u{01}\"}]}",
    ])
    func rejectsMalformed(text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Data(text.utf8)) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parseSkimmingElements(Data(text.utf8), of: "partner_channels") }
    }

    @Test("refuses absurd nesting inside an element")
    func limitsDepth() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let text = #"{"partner_channels": [{"id": "a", "deep": "# + deep + "}]}"
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parseSkimmingElements(Data(text.utf8), of: "partner_channels") }
    }
}
