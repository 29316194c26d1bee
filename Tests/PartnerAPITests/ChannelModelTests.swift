import Foundation
import JSON
import Testing
@testable import PartnerAPI

@Suite("Channel model")
struct ChannelModelTests {
    static let page = """
        {"total": 2, "count": 2, "limit": 100, "offset": 0, "sort": ["id"], "filters": {},
         "partner_channels": [
          {"id": "c1", "status": "quarantined_by_meta", "current_quality_rating": "YELLOW",
           "current_limit": "TIER_5K", "brand_new_field": {"nested": [1, 2.5, null]},
           "setup_info": {"phone_number": "+49301234567", "phone_name": "Shop \\u00e9 \\ud83d\\ude00"},
           "client": {"id": "cl1", "name": "Client One"}, "client_id": "cl1",
           "waba_account": {"id": "w1", "status": "account_suspended_new", "external_id": "1099",
                            "fb_business_id": "b1", "on_behalf_of_business_info": {"name": "Biz Name"}},
           "settings": {"tier": "premium"}},
          {"id": "c2"}
         ]}
        """

    @Test("unknown fields and unknown enum values are kept, not rejected")
    func keepsUnknownFieldsAndEnumValues() throws {
        let page = try ChannelPage.decode(Data(Self.page.utf8))
        #expect(page.total == 2 && page.count == 2 && page.limit == 100 && page.offset == 0)
        let channel = try #require(page.channels.first)
        #expect(channel.status == "quarantined_by_meta")
        #expect(channel.text("current_quality_rating") == "YELLOW")
        #expect(channel.text("current_limit") == "TIER_5K")
        #expect(channel.text("waba_account.status") == "account_suspended_new")
        #expect(channel["brand_new_field.nested"] == .array([.number(1), .number(2.5), .null]))
        #expect(channel.phoneName == "Shop é 😀")
    }

    @Test("accessors read the fields routes and messages need")
    func accessors() throws {
        let channel = try #require(try ChannelPage.decode(Data(Self.page.utf8)).channels.first)
        #expect(channel.id == "c1")
        #expect(channel.phoneNumber == "+49301234567")
        #expect(channel.clientID == "cl1")
        #expect(channel.clientName == "Client One")
        #expect(channel.wabaID == "w1")
        #expect(channel.wabaExternalID == "1099")
        #expect(channel.wabaName == "Biz Name")
        #expect(channel.businessID == "b1")
        #expect(channel.text("settings.tier") == "premium")
    }

    @Test("a channel with only an id is valid; its other accessors are nil")
    func minimalChannel() throws {
        let channel = try ChannelPage.decode(Data(Self.page.utf8)).channels[1]
        #expect(channel.id == "c2")
        #expect(channel.phoneNumber == nil && channel.clientID == nil && channel.wabaName == nil)
    }

    @Test("each channel keeps its raw JSON exactly as it appeared in the page")
    func keepsRawJSON() throws {
        let page = try ChannelPage.decode(Data(Self.page.utf8))
        let raw = String(decoding: page.channels[1].rawJSON, as: UTF8.self)
        #expect(raw == #"{"id": "c2"}"#)
        let reparsed = try JSONParser.parse(page.channels[0].rawJSON)
        #expect(reparsed == page.channels[0].document)
    }

    @Test("a channel without id fails the page, naming the index")
    func channelWithoutIDFailsThePage() {
        let body = #"{"total": 3, "partner_channels": [{"id": "a"}, {"id": "b"}, {"status": "ready"}]}"#
        #expect(throws: ChannelPageError.channelWithoutID(index: 2)) { try ChannelPage.decode(Data(body.utf8)) }
        let numericID = #"{"total": 1, "partner_channels": [{"id": 5}]}"#
        #expect(throws: ChannelPageError.channelWithoutID(index: 0)) { try ChannelPage.decode(Data(numericID.utf8)) }
    }

    @Test("bodies that are not channel pages are rejected with a reason")
    func rejectsOtherBodies() {
        #expect(throws: ChannelPageError.self) { try ChannelPage.decode(Data(#"{"total": 3, "partner_channels": [{"id": "#.utf8)) }
        #expect(throws: ChannelPageError.unexpectedShape("the response has no 'partner_channels' array")) {
            try ChannelPage.decode(Data(#"{"meta": {"developer_message": "x"}}"#.utf8))
        }
        #expect(throws: ChannelPageError.unexpectedShape("the response is not a JSON object")) {
            try ChannelPage.decode(Data("[1, 2]".utf8))
        }
    }

    @Test("error bodies give developer_message and trace id; other bodies give nothing")
    func errorBodies() {
        let body = APIErrorBody(body: Data(#"{"meta": {"developer_message": "Invalid API key", "http_code": 401, "success": false, "360dialog_trace_id": "abc123"}}"#.utf8))
        #expect(body == APIErrorBody(developerMessage: "Invalid API key", traceID: "abc123"))
        #expect(APIErrorBody(body: Data("<html>bad gateway</html>".utf8)) == APIErrorBody())
        #expect(APIErrorBody(body: Data()) == APIErrorBody())
    }
}
