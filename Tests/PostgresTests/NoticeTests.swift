import Logging
import Postgres
import Testing
import TestSupport

@Suite struct NoticeTests {
    @Test func raisedNoticesAndWarningsReachTheLogger() async throws {
        let (logger, store) = CapturingLogHandler.logger()
        let database = try await TestDatabase.create(logger: logger)
        try await database.client.execute("DO $$ BEGIN RAISE NOTICE 'hello'; END $$")
        try await database.client.execute(
            "DO $$ BEGIN RAISE WARNING 'careful' USING DETAIL = 'the detail', ERRCODE = '01000'; END $$")

        let entries = store.all
        let notice = try #require(entries.first { $0.message.contains("hello") })
        #expect(notice.level == .notice)
        #expect(notice.metadata["postgres.severity"] == "NOTICE")
        let warning = try #require(entries.first { $0.message.contains("careful") })
        #expect(warning.level == .warning)
        #expect(warning.metadata["postgres.detail"] == "the detail")
        #expect(warning.metadata["postgres.sqlstate"] == "01000")
        try await database.drop()
    }
}
