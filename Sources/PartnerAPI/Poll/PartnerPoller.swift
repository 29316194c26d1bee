import Curl
import Primitives
import Foundation
import Logging

/// Polls one partner's channel listing: pages with bounded concurrency, retries, de-duplication,
/// and a verdict saying whether the listing is complete.
///
/// A pass fetches the first page alone (it gives `total` and the page size the server
/// honours), then the remaining offsets with at most `concurrency` requests in flight. When the
/// pass does not add up — `total` moved, or the unique ids do not match it — the listing
/// changed under the offsets, so the poll reads it once more from the start (a fresh pass
/// is consistent on its own; merging two passes could resurrect a removed channel). If the
/// second pass does not add up either, the poll is incomplete with that reason.
public struct PartnerPoller: Sendable {
    /// The partner polled.
    public let settings: PartnerSettings
    private let client: HTTPClient
    private let schedule: RetrySchedule
    private let logger: Logger
    /// Passes over the listing before giving up on a moving `total`.
    static let maxPasses = 2

    /// - Parameters:
    ///   - client: the shared libcurl client (connection reuse across pages and polls).
    ///   - retrySchedule: backoff for failed pages.
    public init(settings: PartnerSettings, client: HTTPClient = .shared, retrySchedule: RetrySchedule = RetrySchedule(),
                logger: Logger = Logger(label: "channelwatch.partner-api")) {
        self.settings = settings
        self.client = client
        self.schedule = retrySchedule
        var logger = logger
        logger[metadataKey: "partner_id"] = .string(settings.id)
        self.logger = logger
    }

    /// Polls the whole listing once; never throws: every failure is an incomplete verdict.
    ///
    /// - Parameters:
    ///   - timeout: the poll's deadline; retries and request timeouts fit inside it.
    ///   - emit: when given, each page's channels are handed here as the page arrives (and not
    ///     kept: the result's `channels` is empty), so a large listing is never held whole.
    ///     Called from the polling task, one page at a time; while it has not returned no new
    ///     request starts, so a consumer slower than the network holds the fetch back instead
    ///     of letting pages pile up in memory.
    public func poll(timeout: Duration = .seconds(120),
                     emit: (@Sendable (ChannelBatch) async -> Void)? = nil) async -> PollResult {
        let clock = ContinuousClock()
        let started = clock.now
        let fetcher = PageFetcher(settings: settings, urls: ChannelListURL(settings: settings), client: client,
                                  schedule: schedule, deadline: started + timeout, logger: logger,
                                  permits: Permits(limit: settings.concurrency))
        var totals = PassTally()
        var pass = 0
        while true {
            pass += 1
            let outcome = await PollPass(settings: settings, fetcher: fetcher, number: pass, emit: emit).run()
            totals.add(outcome)
            let duration = started.duration(to: clock.now)
            let verdict: PollVerdict
            if let failure = outcome.failure {
                verdict = .incomplete(failure)
            } else if let inconsistency = outcome.inconsistency {
                if pass < Self.maxPasses, clock.now < started + timeout, !Task.isCancelled {
                    logger.info("partner \(settings.id): \(inconsistency); reading the listing again")
                    continue
                }
                verdict = .incomplete(PollFailure(partnerID: settings.id, kind: .totalMismatch,
                                                  message: inconsistency + (pass > 1 ? " (after \(pass) passes)" : "")))
            } else {
                verdict = .complete
            }
            return PollResult(partnerID: settings.id, channels: outcome.channels, channelCount: outcome.uniqueChannels,
                              pages: totals.pages, total: outcome.total,
                              verdict: verdict, duration: duration, requests: totals.requests, retries: totals.retries,
                              passes: pass, duplicates: outcome.duplicates)
        }
    }
}

/// Request counts summed over passes.
struct PassTally {
    var pages = 0
    var requests = 0
    var retries = 0

    mutating func add(_ outcome: PassOutcome) {
        pages += outcome.pages
        requests += outcome.requests
        retries += outcome.retries
    }
}
