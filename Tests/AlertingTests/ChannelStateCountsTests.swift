import Alerting
import Recording
import Foundation
import JSON
import Postgres
import Testing

/// `channel_state_counts`, kept by every recording from the channels it writes: after each kind
/// of poll (first, changed, gone, incomplete, returning, targeted, with the listing read twice)
/// the counts equal a count of the stored snapshots made from scratch.
@Suite("Channel counts by state")
struct ChannelStateCountsTests {
    typealias H = AlertingHarness

    /// The counts as stored: `field value` → channels.
    static func stored(_ h: H) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await h.database.client.query("SELECT field, value, channels FROM channel_state_counts WHERE partner_id = 'p1'") {
            counts["\(try row.decode(String.self, "field")) \(try row.decode(String.self, "value"))"] = try row.decode(Int.self, "channels")
        }
        return counts
    }

    /// The counts made from scratch from the present snapshots.
    static func recounted(_ h: H) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await h.database.client.query("""
            SELECT f.field, coalesce(f.value, '') AS value, count(*)::int8 AS channels
            FROM channel_snapshots s,
                 LATERAL (VALUES ('current_quality_rating', s.document->>'current_quality_rating'),
                                 ('current_limit', s.document->>'current_limit'),
                                 ('availability_status', s.document->>'availability_status'),
                                 ('status', s.document->>'status'),
                                 ('waba_account.status', s.document->'waba_account'->>'status')) AS f(field, value)
            WHERE s.partner_id = 'p1' AND s.missing_since IS NULL GROUP BY 1, 2
            """) {
            counts["\(try row.decode(String.self, "field")) \(try row.decode(String.self, "value"))"] = try row.decode(Int.self, "channels")
        }
        return counts
    }

    func expectConsistent(_ h: H, _ when: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let stored = try await Self.stored(h)
        #expect(stored == (try await Self.recounted(h)), "after \(when)", sourceLocation: sourceLocation)
    }

    static func channel(_ id: String, quality: String, waba: String = "ACTIVE") -> ObservedChannel {
        H.channel(id, quality: quality, extra: ["status": .string("ready"),
                                                "waba_account": .object(["id": .string("w1"), "status": .string(waba)])])
    }

    @Test func everyKindOfPollKeepsTheCountsEqualToARecount() async throws {
        var h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }

        try await h.poll([Self.channel("c1", quality: "High"), Self.channel("c2", quality: "Low"), Self.channel("c3", quality: "High")])
        #expect(try await Self.stored(h)["current_quality_rating High"] == 2)
        #expect(try await Self.stored(h)["current_quality_rating Low"] == 1)
        #expect(try await Self.stored(h)["availability_status "] == 3, "a field the channels lack counts as ''")
        try await expectConsistent(h, "the first poll")

        try await h.poll([Self.channel("c1", quality: "High"), Self.channel("c2", quality: "Medium")])
        #expect(try await Self.stored(h)["current_quality_rating Low"] == nil, "a value no channel has is dropped")
        #expect(try await Self.stored(h)["current_quality_rating High"] == 1, "c3 is gone")
        try await expectConsistent(h, "a change and a gone channel")

        try await h.poll([Self.channel("c1", quality: "Low")], failure: .init(message: "HTTP 500", httpStatus: 500))
        try await expectConsistent(h, "an incomplete poll")
        #expect(try await Self.stored(h)["current_quality_rating Medium"] == 1)

        try await h.poll([Self.channel("c1", quality: "High"), Self.channel("c2", quality: "Medium"),
                          Self.channel("c3", quality: "Low", waba: "BANNED")])
        #expect(try await Self.stored(h)["waba_account.status BANNED"] == 1, "c3 returned")
        try await expectConsistent(h, "a returning channel")

        let targeted = StreamedPollTests.stream([ObservedBatch(pass: 1, channels: [Self.channel("c1", quality: "Low")])])
        _ = try await h.recorder.record(targeted, firstPoll: .notify, failingAfter: 3, scope: .channels(["c1", "c2"]))
        #expect(try await Self.stored(h)["current_quality_rating Low"] == 2, "c1 re-read as Low; c2, not returned, is gone")
        try await expectConsistent(h, "a targeted poll")

        let twice = StreamedPollTests.pages([Self.channel("c1", quality: "Medium")], size: 1, pass: 1)
            + StreamedPollTests.pages([Self.channel("c1", quality: "High"), Self.channel("c2", quality: "High"),
                                       Self.channel("c3", quality: "High")], size: 2, pass: 2)
        _ = try await h.recorder.record(StreamedPollTests.stream(twice), firstPoll: .notify, failingAfter: 3)
        #expect(try await Self.stored(h)["current_quality_rating High"] == 3, "only the last pass counts")
        try await expectConsistent(h, "a listing read twice")
    }
}
