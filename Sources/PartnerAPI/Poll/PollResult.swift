import Foundation

/// The outcome of one poll of one partner: the channels seen and whether the listing is complete.
///
/// Only a ``PollVerdict/complete`` poll may be used to judge a channel gone: an incomplete poll
/// still carries what was fetched (for logging and for updating channels that were seen), but
/// absence from it means nothing.
public struct PollResult: Sendable {
    /// The partner polled.
    public var partnerID: String
    /// Unique channels, in listing order (by page offset, then position in the page); empty
    /// when the poll streamed them (``PartnerPoller/poll(timeout:emit:)``).
    public var channels: [Channel]
    /// Unique channels seen by the last pass (``channels``' count when they were collected).
    public var channelCount: Int
    /// Pages fetched successfully (across passes).
    public var pages: Int
    /// `total` as reported by the last page of the last pass, if any page arrived.
    public var total: Int?
    /// Complete, or incomplete with the reason.
    public var verdict: PollVerdict
    /// Wall time of the whole poll.
    public var duration: Duration
    /// HTTP requests sent, retries included.
    public var requests: Int
    /// Requests that were retries of an earlier failed attempt.
    public var retries: Int
    /// Passes over the listing: 2 when the listing moved during the first pass and was read again.
    public var passes: Int
    /// Channels that appeared more than once (on two pages) and were counted once.
    public var duplicates: Int

    /// A result; `passes` and `duplicates` default to a single clean pass.
    public init(partnerID: String, channels: [Channel], channelCount: Int? = nil, pages: Int, total: Int?,
                verdict: PollVerdict, duration: Duration, requests: Int, retries: Int, passes: Int = 1, duplicates: Int = 0) {
        self.partnerID = partnerID
        self.channels = channels
        self.channelCount = channelCount ?? channels.count
        self.pages = pages
        self.total = total
        self.verdict = verdict
        self.duration = duration
        self.requests = requests
        self.retries = retries
        self.passes = passes
        self.duplicates = duplicates
    }

    /// Whether every page was fetched and the unique channels match `total`.
    public var isComplete: Bool {
        if case .complete = verdict { return true }
        return false
    }

    /// The failure when the poll is incomplete.
    public var failure: PollFailure? {
        if case .incomplete(let failure) = verdict { return failure }
        return nil
    }
}

/// Whether a poll saw the partner's whole listing.
public enum PollVerdict: Sendable {
    /// Every page arrived and the unique channel ids match the final `total`.
    case complete
    /// Something failed or did not add up; the poll must not be used to judge absence.
    case incomplete(PollFailure)
}

/// Channels of one page as it arrived, new to the pass reading it (a streamed poll's unit).
public struct ChannelBatch: Sendable {
    /// Which pass over the listing read them: 2 when the listing moved and was read again, in
    /// which case only the channels of the last pass count as present.
    public var pass: Int
    /// The channels, in page order.
    public var channels: [Channel]
    /// When the page arrived.
    public var receivedAt: Date

    public init(pass: Int, channels: [Channel], receivedAt: Date) {
        self.pass = pass
        self.channels = channels
        self.receivedAt = receivedAt
    }
}
