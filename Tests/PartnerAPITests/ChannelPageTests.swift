import Foundation
import JSON
import Testing
@testable import PartnerAPI

/// A page read by the skimming parser: each channel keeps its bytes and parses like the full parser.
@Suite("Channel page")
struct ChannelPageTests {
    @Test("a page's channels keep their bytes and parse to the same documents")
    func pageChannelsParseLikeBefore() throws {
        let text = #"{"total": 2, "partner_channels": [{"id": "c1", "q": "Low", "n": 1}, {"id": "c2", "x": {"y": [1]}}]}"#
        let data = Data(text.utf8)
        let page = try ChannelPage.decode(data)
        let full = try JSONParser.parse(data)
        #expect(page.channels.map(\.id) == ["c1", "c2"])
        #expect(page.channels.map(\.document) == full["partner_channels"].flatMap { if case .array(let a) = $0 { a } else { nil } })
        #expect(String(decoding: page.channels[0].rawJSON, as: UTF8.self) == #"{"id": "c1", "q": "Low", "n": 1}"#)
        #expect(page.channels[1].text("x.y.0") == "1")
    }
}
