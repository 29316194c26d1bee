import Alerting
import Foundation
import Primitives

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
/// dropped once written) and hides the recording under the network wait of the fetch. At most
/// ``bufferedBatches`` pages wait for the recorder: when it is slower than the network (a first
/// poll writes every snapshot), handing on the next page waits, and so does the fetch.
public struct ObservedPollStream: Sendable {
    /// Pages received and not yet taken by the recorder, at most.
    public static let bufferedBatches = 32

    /// The partner polled.
    public let partnerID: String
    /// The poll time stamped on every event it causes (`observed_at`): the start of a streamed
    /// poll, whose channels are evaluated before it ends; the finish of an already collected one.
    public let observedAt: Date
    /// The channels, as pages arrive; finishes when the poll has ended.
    public let batches: Batches
    /// The poll's outcome (with `channels` empty when they were streamed); cancel it to abandon the poll.
    public let summary: Task<ObservedPoll, Never>

    /// Starts `poll` in a task; it hands each page's channels to the function it is given, which
    /// returns once the page is buffered (at once, unless ``bufferedBatches`` wait already).
    public static func start(
        partnerID: String, startedAt: Date = Date(),
        _ poll: @escaping @Sendable (_ emit: @escaping @Sendable (ObservedBatch) async -> Void) async -> ObservedPoll
    ) -> ObservedPollStream {
        let (stream, continuation) = AsyncStream<ObservedBatch>.makeStream()
        let room = Permits(limit: bufferedBatches)
        let summary = Task {
            let observed = await poll { batch in
                // Cancelled (the recording gave up): the page is not wanted any more.
                guard (try? await room.acquire()) != nil else { return }
                continuation.yield(batch)
            }
            continuation.finish()
            return observed
        }
        return ObservedPollStream(partnerID: partnerID, observedAt: startedAt, batches: Batches(stream: stream, room: room),
                                  summary: summary)
    }

    /// A poll that has already finished, its channels in one batch.
    public static func collected(_ poll: ObservedPoll) -> ObservedPollStream {
        let (stream, continuation) = AsyncStream<ObservedBatch>.makeStream()
        if !poll.channels.isEmpty { continuation.yield(ObservedBatch(pass: 1, channels: poll.channels)) }
        continuation.finish()
        let summary = Task { poll }
        return ObservedPollStream(partnerID: poll.partnerID, observedAt: poll.finishedAt,
                                  batches: Batches(stream: stream, room: nil), summary: summary)
    }

    /// The pages in the order they arrived. Taking the next one makes room for another: the
    /// recorder is done with the one before.
    public struct Batches: AsyncSequence, Sendable {
        public typealias Element = ObservedBatch
        let stream: AsyncStream<ObservedBatch>
        let room: Permits?

        /// Pages received and waiting behind the one being recorded (0 for a collected poll).
        public var backlog: Int {
            get async { Swift.max(0, (await room?.held ?? 1) - 1) }
        }

        public func makeAsyncIterator() -> Iterator {
            Iterator(base: stream.makeAsyncIterator(), room: room)
        }

        public struct Iterator: AsyncIteratorProtocol {
            var base: AsyncStream<ObservedBatch>.Iterator
            let room: Permits?
            var holding = false

            public mutating func next() async -> ObservedBatch? {
                if holding, let room { await room.release() }
                let batch = await base.next()
                holding = batch != nil
                return batch
            }
        }
    }
}
