import Foundation
import Logging
import Testing
import Worker

/// The two log formats: readable text lines and JSON lines.
@Suite struct LoggingTests {
    static let time = Date(timeIntervalSince1970: 1_795_600_800)  // 2026-11-25T10:00:00Z

    @Test func textLinesAreReadable() {
        let line = LogLineFormatter(format: .text).line(
            time: Self.time, level: .info, message: "poll", label: "channelwatch",
            metadata: ["partner": "p1", "pages": "3", "complete": "true", "reason": "HTTP 500 on page 2"])
        #expect(line == #"2026-11-25T10:00:00Z info poll: partner=p1 complete=true pages=3 reason="HTTP 500 on page 2""#)
        #expect(LogLineFormatter(format: .text).line(time: Self.time, level: .error, message: "stopped", label: "x",
                                                     metadata: [:]) == "2026-11-25T10:00:00Z error stopped")
    }

    @Test func jsonLinesParseWithEveryField() throws {
        let capture = LogCapture()
        var logger = Logger(label: "channelwatch.worker") { label in
            ChannelWatchLogHandler(label: label, format: .json, write: { capture.write($0) })
        }
        logger[metadataKey: "replica"] = "r1"
        logger.info("poll", metadata: ["partner": "p1", "note": "quote \" backslash \\ newline \n tab \t"])
        logger.debug("dropped: below the level")
        logger.warning("database unreachable: connection refused; retrying in 2 s")
        let lines = capture.lines
        #expect(lines.count == 2)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: String])
        #expect(first["level"] == "info" && first["msg"] == "poll" && first["partner"] == "p1" && first["replica"] == "r1")
        #expect(first["logger"] == "channelwatch.worker")
        #expect(first["note"] == "quote \" backslash \\ newline \n tab \t")
        #expect(first["ts"]?.hasSuffix("Z") == true)
        #expect(!lines[0].contains("\n"), "one record, one line")
        let second = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: String])
        #expect(second["level"] == "warning")
    }

    @Test func pollSummaryLineNamesPartnerPagesChannelsAndCompleteness() async throws {
        try await TestDatabaseScope.with { database in
            let capture = LogCapture()
            let poller = FixedPoller(channelIDs: ["c1", "c2"])
            let config = WorkerHarness.config(database: database)
            let running = try await WorkerHarness.start(config: config, database: database, poller: poller,
                                                        receivers: [RecordingReceiver(name: "ops")],
                                                        logger: WorkerHarness.logger(capture))
            try await WorkerHarness.eventually("a poll summary") { capture.lines.contains { $0.contains(" info poll: ") } }
            try await running.shutDown()
            let summary = try #require(capture.lines.first { $0.contains(" info poll: ") })
            for field in ["partner=p1", "pages=1", "channels=2", "changed=2", "events=0", "deliveries=0", "complete=true",
                          "duration="] {
                #expect(summary.contains(field), "\(field) in \(summary)")
            }
        }
    }
}
