import Alerting
import Recording
import Foundation
import JSON
import PartnerAPI

/// A partner whose polls are built in memory (no HTTP), for the delivery benchmarks: what they
/// measure starts where a poll ends, so fetching pages would only add noise.
///
/// Channels are shaped like the simulator's; ``lowerQuality(of:)`` drops one to quality Low,
/// which fires the shipped rules `quality_low` and `quality_degraded`.
struct SyntheticPartner {
    let id: String
    private(set) var channels: [ObservedChannel]

    /// A partner with `count` channels numbered 1...count.
    init(id: String, count: Int) {
        self.id = id
        let template: JSONValue = .object([
            "id": .string("\(id)-{n:6}"), "status": .string("ready"), "availability_status": .string("ready"),
            "current_limit": .string("TIER_1K"), "current_quality_rating": .string("High"),
            "client_id": .string("client-{n:4}"),
            "setup_info": .object(["phone_number": .string("+49152{n:7}"), "phone_name": .string("Shop {n}")]),
            "client": .object(["id": .string("client-{n:4}"), "name": .string("Client {n}")]),
            "waba_account": .object(["id": .string("waba-{n}"), "status": .string("approved")]),
        ])
        channels = ChannelGenerator(count: count, template: template).documents(partnerID: id).map(Self.observed)
    }

    /// The id of the channel at `index` (0-based): also the marker the webhook sink watches for.
    func channelID(_ index: Int) -> String { channels[index].id }

    /// Drops the channel at `index` to quality Low; the next poll sees it changed.
    mutating func lowerQuality(of index: Int) {
        var document = channels[index].document
        document.set(.string("Low"), at: "current_quality_rating")
        channels[index] = Self.observed(document)
    }

    /// A complete poll of the channels as they are now, ending now.
    func poll() -> ObservedPoll {
        let now = Date()
        return ObservedPoll(partnerID: id, startedAt: now, finishedAt: now, channels: channels,
                            pages: (channels.count + 99) / 100, failure: nil)
    }

    private static func observed(_ document: JSONValue) -> ObservedChannel {
        ObservedChannel(id: document["id"]?.scalarText ?? "", document: document, rawJSON: document.compactJSON())
    }
}
