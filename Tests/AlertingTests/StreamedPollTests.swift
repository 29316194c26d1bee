import Alerting
import Recording
import Foundation
import JSON
import Postgres
import Primitives
import Testing

/// Polls recorded while their pages arrive (``ObservedPollStream``): the same outcome as a
/// collected poll, an incomplete or abandoned poll leaves no channel trace, a listing read twice
/// is recorded from its last pass only, and more channels than one chunk are all written (with
/// their events, written on the way).
@Suite("Streamed polls")
struct StreamedPollTests {
    typealias H = AlertingHarness

    /// A stream that hands `batches` over one by one, yielding between them, then ends as `failure` says.
    static func stream(_ batches: [ObservedBatch], partnerID: String = "p1",
                       failure: ObservedPoll.Failure? = nil) -> ObservedPollStream {
        let count = Set(batches.filter { $0.pass == batches.last?.pass }.flatMap { $0.channels.map(\.id) }).count
        return ObservedPollStream.start(partnerID: partnerID) { emit in
            let started = Date()
            for batch in batches {
                await emit(batch)
                await Task.yield()
            }
            return ObservedPoll(partnerID: partnerID, startedAt: started, finishedAt: Date(), channels: [],
                                channelCount: count, pages: batches.count, failure: failure)
        }
    }

    static func pages(_ channels: [ObservedChannel], size: Int, pass: Int = 1) -> [ObservedBatch] {
        stride(from: 0, to: channels.count, by: size).map {
            ObservedBatch(pass: pass, channels: Array(channels[$0..<min($0 + size, channels.count)]))
        }
    }

    func snapshots(_ h: H) async throws -> [String: String] {
        var result: [String: String] = [:]
        for row in try await h.database.client.query(
            "SELECT channel_id, document->>'current_quality_rating' AS q, missing_since IS NOT NULL AS gone FROM channel_snapshots") {
            let gone = try row.decode(Bool.self, "gone")
            result[try row.decode(String.self, "channel_id")] = gone ? "gone" : try row.decode(String?.self, "q") ?? "-"
        }
        return result
    }

    @Test("a poll streamed in pages records what the same poll collected records")
    func streamedEqualsCollected() async throws {
        var collected = try await H.make(function: "streamedEqualsCollected_a")
        let streamed = try await H.make(function: "streamedEqualsCollected_b")
        defer { Task { [collected, streamed] in try? await collected.database.drop(); try? await streamed.database.drop() } }
        let first = (0..<30).map { H.channel("c\($0)", quality: $0 % 7 == 0 ? "Low" : "High") }
        let second = (1..<30).map { H.channel("c\($0)", quality: $0 % 5 == 0 ? "Low" : "High") }

        try await collected.poll(first)
        try await collected.poll(second)
        let a = try await streamed.recorder.record(Self.stream(Self.pages(first, size: 4)), firstPoll: .notify, failingAfter: 3)
        let b = try await streamed.recorder.record(Self.stream(Self.pages(second, size: 4)), firstPoll: .notify, failingAfter: 3)

        #expect(a.changedChannels == 30)
        #expect(b.complete)
        #expect(try await snapshots(streamed) == snapshots(collected))
        #expect(try await streamed.openAlerts() == collected.openAlerts())
        #expect(try await streamed.openAlerts().contains("channel_disappeared c0"))
        let eventCount = "SELECT count(*) FROM events"
        #expect(try await streamed.count(eventCount) == collected.count(eventCount))
        #expect(try await streamed.count("SELECT channels FROM polls ORDER BY id DESC LIMIT 1") == 29)
    }

    @Test("an incomplete streamed poll rolls back what its pages wrote and records only the failure")
    func incompleteStreamLeavesNoChannelTrace() async throws {
        var h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("c1"), H.channel("c2")])
        let before = try await snapshots(h)

        let pages = Self.pages([H.channel("c1", quality: "Low"), H.channel("c3", quality: "Low")], size: 1)
        let outcome = try await h.recorder.record(
            Self.stream(pages, failure: .init(message: "page 3 failed: HTTP 500", httpStatus: 500)),
            firstPoll: .notify, failingAfter: 3)

        #expect(!outcome.complete)
        #expect(outcome.events.isEmpty)
        #expect(try await snapshots(h) == before)
        #expect(try await h.openAlerts().isEmpty)
        #expect(try await h.count("SELECT count(*) FROM polls WHERE NOT complete AND error LIKE 'page 3%'") == 1)
    }

    @Test("an abandoned poll throws and writes nothing, not even the poll")
    func abandonedStreamWritesNothing() async throws {
        let h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        await #expect(throws: PollRecorder.PollAbandoned.self) {
            try await h.recorder.record(Self.stream(Self.pages([H.channel("c1", quality: "Low")], size: 1)),
                                        firstPoll: .notify, failingAfter: 3, abandoned: { true })
        }
        #expect(try await h.count("SELECT count(*) FROM polls") == 0)
        #expect(try await h.count("SELECT count(*) FROM channel_snapshots") == 0)
        #expect(try await h.count("SELECT count(*) FROM events") == 0)
    }

    @Test("a recording whose task is cancelled mid-poll throws and judges no channel gone")
    func cancelledRecordingWritesNothing() async throws {
        var h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("a"), H.channel("b")])
        let before = try await snapshots(h)
        let stream = ObservedPollStream.start(partnerID: h.partnerID) { emit in
            let started = Date()
            await emit(ObservedBatch(pass: 1, channels: [H.channel("a", quality: "Low")]))
            // The rest of the listing comes later; the recording is cancelled meanwhile.
            try? await Task.sleep(for: .seconds(2))
            await emit(ObservedBatch(pass: 1, channels: [H.channel("b")]))
            return ObservedPoll(partnerID: "p1", startedAt: started, finishedAt: Date(), channels: [], channelCount: 2,
                                pages: 2, failure: nil)
        }
        let recorder = h.recorder
        let recording = Task { try await recorder.record(stream, firstPoll: .notify, failingAfter: 3) }
        try await Task.sleep(for: .milliseconds(300))
        recording.cancel()
        await #expect(throws: (any Error).self) { try await recording.value }
        #expect(try await snapshots(h) == before)
        #expect(try await h.openAlerts().isEmpty)
        #expect(try await h.count("SELECT count(*) FROM polls") == 1)
    }

    @Test("a listing read twice records only the last pass, as if it were the only one")
    func onlyTheLastPassIsRecorded() async throws {
        var h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("a"), H.channel("b"), H.channel("c")])
        // Pass 1 sees a and b drop to Low; the listing moves, and pass 2 sees a (Low) and c, not b.
        // quality_low_sustained counts polls, so a double evaluation of a would show.
        let batches = [
            ObservedBatch(pass: 1, channels: [H.channel("a", quality: "Low"), H.channel("b", quality: "Low")]),
            ObservedBatch(pass: 2, channels: [H.channel("a", quality: "Low"), H.channel("c")]),
        ]
        let outcome = try await h.recorder.record(Self.stream(batches), firstPoll: .notify, failingAfter: 3)
        #expect(outcome.complete)
        let lines = outcome.events.map { "\($0.rule) \($0.channel.id) \($0.status)" }.sorted()
        #expect(lines == ["channel_disappeared b firing", "quality_low a firing"])
        #expect(try await h.count("SELECT (rule_state->'pending'->>'quality_low_sustained')::int FROM channel_snapshots WHERE channel_id = 'a'") == 1)
        #expect(try await snapshots(h) == ["a": "Low", "b": "gone", "c": "High"])
        #expect(try await h.count("SELECT count(*) FROM events") == 2)
        #expect(try await h.openAlerts() == ["channel_disappeared b", "quality_low a"])
    }

    @Test("a missing channel listed only by the first pass stays gone, its alert open and nothing sent")
    func missingChannelSeenOnlyByFirstPassStaysGone() async throws {
        var h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("a"), H.channel("m")])
        try await h.poll([H.channel("a")])
        let batches = [
            ObservedBatch(pass: 1, channels: [H.channel("a"), H.channel("m")]),
            ObservedBatch(pass: 2, channels: [H.channel("a")]),
        ]
        let outcome = try await h.recorder.record(Self.stream(batches), firstPoll: .notify, failingAfter: 3)
        #expect(outcome.complete)
        #expect(outcome.events.isEmpty)
        #expect(try await h.openAlerts() == ["channel_disappeared m"])
        #expect(try await snapshots(h)["m"] == "gone")
    }

    @Test("a first poll in baseline mode that fails still notifies poll_failing")
    func failedBaselinePollStillNotifiesSystemAlerts() async throws {
        let h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        let failure = ObservedPoll.Failure(message: "page 1 failed: HTTP 401", httpStatus: 401)
        let outcome = try await h.recorder.record(Self.stream(Self.pages([H.channel("a", quality: "Low")], size: 1),
                                                             failure: failure),
                                                  firstPoll: .baseline, failingAfter: 1)
        #expect(!outcome.complete)
        #expect(!outcome.events.isEmpty)
        #expect(outcome.deliveries > 0)
        #expect(try await h.count("SELECT count(*) FROM channel_snapshots") == 0)
    }

    @Test("a channel listed twice in one pass counts once, as first listed, on one page or many pages apart")
    func aChannelListedTwiceCountsOnce() async throws {
        var h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        let others = (0..<1_200).map { H.channel("c\($0)") }
        try await h.poll([H.channel("a"), H.channel("b")] + others)
        // a: Low, then High again 1,200 channels later (another comparison statement);
        // b: Low twice on one page. quality_low_sustained counts polls, so two evaluations would show.
        // c5 is gone: two repeats must not make up for it when counting who was listed.
        let channels = [H.channel("a", quality: "Low"), H.channel("b", quality: "Low"), H.channel("b", quality: "Low")]
            + others.filter { $0.id != "c5" } + [H.channel("a")]
        let outcome = try await h.recorder.record(Self.stream(Self.pages(channels, size: 100)), firstPoll: .notify,
                                                  failingAfter: 3)
        #expect(outcome.complete)
        #expect(outcome.events.map { "\($0.rule) \($0.channel.id) \($0.status)" }.sorted()
                == ["channel_disappeared c5 firing", "quality_low a firing", "quality_low b firing"])
        #expect(try await h.count("SELECT count(*) FROM channel_snapshots WHERE (rule_state->'pending'->>'quality_low_sustained')::int = 1") == 2)
        #expect(try await snapshots(h)["c5"] == "gone")
        #expect(try await snapshots(h)["a"] == "Low")
    }

    @Test("polls recorded one after another on one session each start with nothing seen")
    func pollsOnOneSessionStartAfresh() async throws {
        var h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("a"), H.channel("b")])
        let recorder = h.recorder
        let lines = try await h.database.client.withConnection { connection in
            var lines: [String] = []
            for quality in ["Low", "High"] {
                let batches = Self.pages([H.channel("a", quality: quality), H.channel("b")], size: 1)
                let outcome = try await recorder.record(Self.stream(batches), firstPoll: .notify, failingAfter: 3,
                                                        on: connection)
                lines += outcome.events.map { "\($0.rule) \($0.channel.id) \($0.status)" }
            }
            return lines
        }
        #expect(lines == ["quality_low a firing", "quality_low a resolved"])
        #expect(try await snapshots(h) == ["a": "High", "b": "High"])
    }

    @Test("pages wait for a slow recorder: at most 32 are buffered, and every one arrives in order")
    func aSlowRecorderHoldsTheFetchBack() async throws {
        let handed = LockedBox(0)
        let stream = ObservedPollStream.start(partnerID: "p1") { emit in
            for index in 0..<100 {
                await emit(ObservedBatch(pass: 1, channels: [H.channel("c\(index)")]))
                handed.value += 1
            }
            return ObservedPoll(partnerID: "p1", startedAt: Date(), finishedAt: Date(), channels: [], channelCount: 100,
                                pages: 100, failure: nil)
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(handed.value == ObservedPollStream.bufferedBatches, "pages handed on while nothing was taken")
        var ids: [String] = []
        for await batch in stream.batches { ids += batch.channels.map(\.id) }
        #expect(ids == (0..<100).map { "c\($0)" })
        #expect(await stream.summary.value.channelCount == 100)
    }

    @Test("a first poll of more channels than one chunk writes them all")
    func moreThanOneChunk() async throws {
        let h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        let count = 4_500
        let channels = (0..<count).map { index -> ObservedChannel in
            let text = #"{"id":"c\#(index)","current_quality_rating":"\#(index == 4_321 ? "Low" : "High")"}"#
            return ObservedChannel(id: "c\(index)", rawJSON: Data(text.utf8))
        }
        let outcome = try await h.recorder.record(Self.stream(Self.pages(channels, size: 100)), firstPoll: .notify,
                                                  failingAfter: 3)
        #expect(outcome.changedChannels == count)
        #expect(try await h.count("SELECT count(*) FROM channel_snapshots") == count)
        #expect(try await h.openAlerts() == ["quality_low c4321"])
        #expect(try await h.count("SELECT channels FROM polls") == count)
        #expect(try await h.count("SELECT count(*) FROM events e JOIN polls p ON p.id = e.poll_id WHERE p.complete") == 1)
    }
}
