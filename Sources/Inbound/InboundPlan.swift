/// Which channels a batch of pending inbound events has a targeted poll re-read, and which
/// events ask for a full poll instead. Pure: decided from the events and the stored channels.
///
/// - A channel id an event names is re-read, stored or not (a `channel_created` names a channel
///   the poll has not seen yet).
/// - A phone number maps to the stored channels with the same digits (`+49 30 1` = `49301`).
/// - A WABA-wide event (`account_violation`, `account_restriction`, a relayed `account_update`)
///   maps to every stored channel of its WABAs: those it names and those of its numbers.
/// - Another event that names a WABA but no number or channel that maps falls back to that
///   WABA's channels.
/// - An event that maps to nothing (`client_created`, a client id only, an unknown number) asks
///   for a full poll, as does a batch that would re-read more than ``maximumChannels``.
public struct InboundPlan: Sendable, Equatable {
    /// A pending inbound event.
    public struct Pending: Sendable, Equatable {
        public var id: Int64
        public var references: ChannelReferences
        public var concernsWholeWABA: Bool

        public init(id: Int64, references: ChannelReferences, concernsWholeWABA: Bool) {
            self.id = id
            self.references = references
            self.concernsWholeWABA = concernsWholeWABA
        }
    }

    /// What is stored of a channel that events can name it by.
    public struct StoredChannel: Sendable, Equatable {
        public var id: String
        /// The digits of `setup_info.phone_number`.
        public var phoneDigits: String?
        public var wabaID: String?

        public init(id: String, phoneDigits: String?, wabaID: String?) {
            self.id = id
            self.phoneDigits = phoneDigits
            self.wabaID = wabaID
        }
    }

    /// More channels than this in one batch are cheaper to read with a full poll.
    public static let maximumChannels = 1000

    /// The channels to re-read, sorted.
    public var channelIDs: [String] = []
    /// Each event's channels (what its row records).
    public var channelsByEvent: [Int64: [String]] = [:]
    /// Events that asked for a full poll.
    public var fullPollEvents: [Int64] = []

    /// Whether a full poll was asked for.
    public var needsFullPoll: Bool { !fullPollEvents.isEmpty }

    /// Plans `pending` against the partner's `stored` channels.
    public static func plan(_ pending: [Pending], stored: [StoredChannel]) -> InboundPlan {
        var byDigits: [String: [String]] = [:], byWABA: [String: [String]] = [:], wabaOf: [String: String] = [:]
        for channel in stored {
            if let digits = channel.phoneDigits, !digits.isEmpty { byDigits[digits, default: []].append(channel.id) }
            if let waba = channel.wabaID, !waba.isEmpty {
                byWABA[waba, default: []].append(channel.id)
                wabaOf[channel.id] = waba
            }
        }
        var plan = InboundPlan()
        var all = Set<String>()
        for event in pending {
            var channels = event.references.channelIDs
            channels += event.references.phoneDigits.flatMap { byDigits[$0] ?? [] }
            var wabas = Set(event.references.wabaIDs)
            if event.concernsWholeWABA {
                wabas.formUnion(channels.compactMap { wabaOf[$0] })
                channels += wabas.sorted().flatMap { byWABA[$0] ?? [] }
            } else if channels.isEmpty {
                channels += wabas.sorted().flatMap { byWABA[$0] ?? [] }
            }
            let unique = Array(Set(channels)).sorted()
            if unique.isEmpty {
                plan.fullPollEvents.append(event.id)
            } else {
                plan.channelsByEvent[event.id] = unique
                all.formUnion(unique)
            }
        }
        if all.count > maximumChannels {
            plan.fullPollEvents = pending.map(\.id)
            plan.channelsByEvent = [:]
            return plan
        }
        plan.channelIDs = all.sorted()
        return plan
    }
}
