import Foundation
import Inbound
import Testing

@Suite struct InboundEventTests {
    func parse(_ text: String) throws -> InboundEvent { try InboundEvent.parse(Data(text.utf8)) }

    @Test func theEnvelopeNamesTheChannelItsNumberWABAAndClient() throws {
        let event = try parse(#"""
            {"id": "evt-1", "event": "channel_live", "data": {"id": "ch-9", "client_id": "cl-1",
             "setup_info": {"phone_number": "+49 30 1234"}, "waba_account": {"id": "waba-7"}}}
            """#)
        #expect(event.id == "evt-1")
        #expect(event.name == "channel_live")
        #expect(event.references == ChannelReferences(channelIDs: ["ch-9"], phoneNumbers: ["+49 30 1234"],
                                                      wabaIDs: ["waba-7"], clientIDs: ["cl-1"]))
        #expect(event.references.phoneDigits == ["49301234"])
        #expect(!event.concernsWholeWABA)
    }

    @Test func theTopLevelIdIsTheEventsNeverAChannel() throws {
        let event = try parse(#"{"id": "evt-2", "event": "channel_created", "channel_id": "ch-1", "phone_number": "4930"}"#)
        #expect(event.references.channelIDs == ["ch-1"])
        #expect(event.references.phoneNumbers == ["4930"])
    }

    @Test func aClientEventsDataIdIsTheClients() throws {
        let event = try parse(#"{"event": "client_created", "data": {"id": "cl-5", "name": "Acme"}}"#)
        #expect(event.references == ChannelReferences(clientIDs: ["cl-5"]))
    }

    @Test func violationsAndRestrictionsConcernTheWholeWABA() throws {
        for name in ["account_violation", "account_restriction", "ACCOUNT_VIOLATION"] {
            let event = try parse(#"{"event": "\#(name)", "phone_number": "+1 555 0100", "violation_type": "SPAM"}"#)
            #expect(event.concernsWholeWABA, "\(name)")
            #expect(event.references.phoneNumbers == ["+1 555 0100"])
        }
    }

    @Test func metaRelaysNameTheWABAAndTheDisplayNumber() throws {
        let event = try parse(#"""
            {"object": "whatsapp_business_account", "entry": [{"id": "1029384756", "time": 1700000000,
             "changes": [{"field": "phone_number_quality_update",
                          "value": {"display_phone_number": "15550783881", "event": "FLAGGED", "current_limit": "TIER_1K"}}]}]}
            """#)
        #expect(event.name == "phone_number_quality_update")
        #expect(event.references == ChannelReferences(phoneNumbers: ["15550783881"], wabaIDs: ["1029384756"]))
        #expect(!event.concernsWholeWABA)
        let update = try parse(#"{"object": "whatsapp_business_account", "entry": [{"id": "42", "changes": [{"field": "account_update", "value": {"event": "DISABLED_UPDATE", "ban_info": {"waba_ban_state": "DISABLE"}}}]}]}"#)
        #expect(update.name == "account_update" && update.concernsWholeWABA && update.references.wabaIDs == ["42"])
    }

    @Test func unknownEventsAndOddShapesAreAccepted() throws {
        #expect(try parse(#"{"event": "something_new_2027", "data": [1, 2]}"#).name == "something_new_2027")
        #expect(try parse("{}") == InboundEvent.parse(Data("{}".utf8)))
        #expect(try parse("{}").name == "")
        #expect(try parse(#"{"event": 12, "id": 34, "data": {"id": 56}}"#).references.channelIDs == ["56"])
        #expect(try parse(#"{"entry": "not a list"}"#).references.isEmpty)
        #expect(try parse(#"{"data": {"id": "", "setup_info": {"phone_number": null}}}"#).references.isEmpty)
        let long = String(repeating: "x", count: 5000)
        #expect(try parse(#"{"event": "\#(long)"}"#).name.count == 200)
    }

    @Test(arguments: ["", "[]", "\"text\"", "12", "null", "{", #"{"a": }"#, "{\"a\": 1} trailing"])
    func anythingButAJSONObjectIsRefused(text: String) {
        #expect(throws: InboundEventError.self) { try InboundEvent.parse(Data(text.utf8)) }
    }
}
