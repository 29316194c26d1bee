import Inbound
import Testing

@Suite struct InboundPlanTests {
    typealias Pending = InboundPlan.Pending
    static let stored = [
        InboundPlan.StoredChannel(id: "c1", phoneDigits: "4930111", wabaID: "w1"),
        InboundPlan.StoredChannel(id: "c2", phoneDigits: "4930222", wabaID: "w1"),
        InboundPlan.StoredChannel(id: "c3", phoneDigits: "4930333", wabaID: "w2"),
        InboundPlan.StoredChannel(id: "c4", phoneDigits: nil, wabaID: nil),
    ]

    func plan(_ pending: [Pending]) -> InboundPlan { InboundPlan.plan(pending, stored: Self.stored) }

    @Test func aChannelIdIsReReadStoredOrNot() {
        let result = plan([Pending(id: 1, references: ChannelReferences(channelIDs: ["c1", "new-9"]), concernsWholeWABA: false)])
        #expect(result.channelIDs == ["c1", "new-9"])
        #expect(result.channelsByEvent == [1: ["c1", "new-9"]])
        #expect(!result.needsFullPoll)
    }

    @Test func aNumberMapsByItsDigitsHoweverWritten() {
        let result = plan([Pending(id: 1, references: ChannelReferences(phoneNumbers: ["+49 30 222"]), concernsWholeWABA: false)])
        #expect(result.channelIDs == ["c2"])
    }

    @Test func aWABAWideEventReReadsEveryChannelOfTheWABAOfItsNumber() {
        let violation = Pending(id: 1, references: ChannelReferences(phoneNumbers: ["4930111"]), concernsWholeWABA: true)
        #expect(plan([violation]).channelIDs == ["c1", "c2"])
        let relay = Pending(id: 2, references: ChannelReferences(wabaIDs: ["w2"]), concernsWholeWABA: true)
        #expect(plan([relay]).channelIDs == ["c3"])
    }

    @Test func anEventWithOnlyAWABAFallsBackToItsChannels() {
        let quality = Pending(id: 1, references: ChannelReferences(phoneNumbers: ["1555000"], wabaIDs: ["w1"]), concernsWholeWABA: false)
        #expect(plan([quality]).channelIDs == ["c1", "c2"])
    }

    @Test func whatMapsToNothingAsksForAFullPoll() {
        let result = plan([
            Pending(id: 1, references: ChannelReferences(clientIDs: ["client-1"]), concernsWholeWABA: false),
            Pending(id: 2, references: ChannelReferences(), concernsWholeWABA: false),
            Pending(id: 3, references: ChannelReferences(phoneNumbers: ["999"]), concernsWholeWABA: true),
            Pending(id: 4, references: ChannelReferences(channelIDs: ["c4"]), concernsWholeWABA: false),
        ])
        #expect(result.fullPollEvents == [1, 2, 3])
        #expect(result.channelIDs == ["c4"])
        #expect(result.needsFullPoll)
    }

    @Test func eventsArrivingTogetherAreReReadTogether() {
        let result = plan([
            Pending(id: 1, references: ChannelReferences(channelIDs: ["c1"]), concernsWholeWABA: false),
            Pending(id: 2, references: ChannelReferences(channelIDs: ["c1", "c3"]), concernsWholeWABA: false),
        ])
        #expect(result.channelIDs == ["c1", "c3"])
        #expect(result.channelsByEvent == [1: ["c1"], 2: ["c1", "c3"]])
    }

    @Test func tooManyChannelsAreReadByAFullPoll() {
        let ids = (0...InboundPlan.maximumChannels).map { "x\($0)" }
        let result = plan([Pending(id: 7, references: ChannelReferences(channelIDs: ids), concernsWholeWABA: false)])
        #expect(result.channelIDs.isEmpty && result.fullPollEvents == [7])
    }
}
