/// The outcome of one poll of one partner: the channels seen and whether the listing is complete.
///
/// Only a ``PollVerdict/complete`` poll may be used to judge a channel gone: an incomplete poll
/// still carries what was fetched (for logging and for updating channels that were seen), but
/// absence from it means nothing.
public struct PollResult: Sendable {
    /// The partner polled.
    public var partnerID: String
    /// Unique channels, in listing order (by page offset, then position in the page).
    public var channels: [Channel]
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
    public init(partnerID: String, channels: [Channel], pages: Int, total: Int?, verdict: PollVerdict,
                duration: Duration, requests: Int, retries: Int, passes: Int = 1, duplicates: Int = 0) {
        self.partnerID = partnerID
        self.channels = channels
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
