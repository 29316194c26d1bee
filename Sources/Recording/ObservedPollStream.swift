import Alerting
import Foundation

/// Channels of one page as they arrived, new to the pass over the listing that read them.
public struct ObservedBatch: Sendable {
    /// The pass over the listing: when the listing moved and was read again (pass 2), only the
    /// channels of the last pass count as present when judging which channels are gone.
    public var pass: Int
    public var channels: [ObservedChannel]

    public init(pass: Int, channels: [ObservedChannel]) {
        self.pass = pass
        self.channels = channels
    }
}

/// A poll in progress, as the recorder consumes it: channels page by page while the poll runs,
/// then the poll's summary. Recording as pages arrive keeps memory flat (a page's channels are
/// dropped once written) and hides the recording under the network wait of the fetch.
public struct ObservedPollStream: Sendable {
    /// The partner polled.
    public let partnerID: String
    /// The poll time stamped on every event it causes (`observed_at`): the start of a streamed
    /// poll, whose channels are evaluated before it ends; the finish of an already collected one.
    public let observedAt: Date
    /// The channels, as pages arrive; finishes when the poll has ended.
    public let batches: AsyncStream<ObservedBatch>
    /// The poll's outcome (with `channels` empty when they were streamed); cancel it to abandon the poll.
    public let summary: Task<ObservedPoll, Never>

    /// Starts `poll` in a task; it hands each page's channels to the function it is given.
    public static func start(
        partnerID: String, startedAt: Date = Date(),
        _ poll: @escaping @Sendable (_ emit: @escaping @Sendable (ObservedBatch) -> Void) async -> ObservedPoll
    ) -> ObservedPollStream {
        let (batches, continuation) = AsyncStream<ObservedBatch>.makeStream()
        let summary = Task {
            let observed = await poll { continuation.yield($0) }
            continuation.finish()
            return observed
        }
        return ObservedPollStream(partnerID: partnerID, observedAt: startedAt, batches: batches, summary: summary)
    }

    /// A poll that has already finished, its channels in one batch.
    public static func collected(_ poll: ObservedPoll) -> ObservedPollStream {
        let (batches, continuation) = AsyncStream<ObservedBatch>.makeStream()
        if !poll.channels.isEmpty { continuation.yield(ObservedBatch(pass: 1, channels: poll.channels)) }
        continuation.finish()
        let summary = Task { poll }
        return ObservedPollStream(partnerID: poll.partnerID, observedAt: poll.finishedAt, batches: batches, summary: summary)
    }
}
