import Alerting
import Foundation
@testable import Notifiers
import Testing

@Suite("Slack message rendering")
struct SlackMessageTests {
    @Test(arguments: [(1, 0), (60, 0), (500, 0), (100, 400), (47, 0), (48, 0), (47, 1)])
    func blocksStayWithinSlackLimits(listed: Int, truncated: Int) throws {
        let message = SlackMessage(Fixtures.payload(events: listed, truncated: truncated), kind: .notification)

        #expect(message.blocks.count <= SlackMessage.maximumBlocks)
        guard case .header(let header) = message.blocks.first else {
            Issue.record("the first block is not a header")
            return
        }
        #expect(header.utf16.count <= SlackMessage.maximumHeaderLength)
        for block in message.blocks {
            #expect(block.text.utf16.count <= SlackMessage.maximumSectionLength)
        }
        let sections = message.blocks.filter { if case .section = $0 { true } else { false } }
        let hidden = listed + truncated - sections.count
        if hidden > 0 {
            #expect(message.blocks.last?.text.contains("… and \(hidden) more") == true)
        } else {
            #expect(sections.count == listed)
            #expect(!message.blocks.contains { $0.text.contains("more") })
        }
    }

    @Test func fiveHundredEventsShowAsManyAsFitAndCountTheRest() {
        let message = SlackMessage(Fixtures.payload(events: 500), kind: .notification)

        #expect(message.blocks.count == 50)
        // header + context + 47 sections + "and N more".
        #expect(message.blocks.last?.text.contains("… and 453 more") == true)
        #expect(message.text.contains("500 events"))
    }

    @Test func oneEventShowsEveryFact() throws {
        let message = SlackMessage(Fixtures.payload(events: 1), kind: .notification)

        #expect(message.blocks.count == 3)
        #expect(message.blocks[0].text.contains("CRITICAL"))
        #expect(message.blocks[0].text.contains("Quality rating of +49 30 1234 1 dropped to Low"))
        let section = message.blocks[2].text
        for expected in ["+49 30 1234 1 (Acme Berlin 1)", "Acme GmbH (id client-7)", "Acme WABA (id waba-123)",
                         "High → Low", "<!date^1795514400^", "2026-11-24 10:00:00 UTC", "Messages from this number"] {
            #expect(section.contains(expected), "missing \(expected) in \(section)")
        }
        #expect(message.text.contains("[CRITICAL]"))
    }

    @Test func hugeTextIsClippedAndMarkupIsEscaped() {
        let event = Fixtures.event(summary: "Line one\nline two " + String(repeating: "S", count: 5000),
                                   description: String(repeating: "<&>", count: 3000),
                                   phoneName: "<!channel> & friends")
        let message = SlackMessage(Fixtures.payload([event]), kind: .notification)

        for block in message.blocks {
            #expect(block.text.utf16.count <= SlackMessage.maximumSectionLength)
        }
        #expect(message.blocks[0].text.utf16.count <= SlackMessage.maximumHeaderLength)
        #expect(message.blocks[0].text.contains("Line one line two"))
        let section = message.blocks[2].text
        #expect(section.contains("&lt;!channel&gt; &amp; friends"))
        #expect(!section.contains("<!channel>"))
        #expect(section.hasSuffix("…"))
        // A clipped escape would be shown literally by Slack.
        #expect(!section.dropLast().hasSuffix("&") && !section.dropLast().hasSuffix("&a") && !section.dropLast().hasSuffix("&am"))
    }

    @Test func testRemindersAndResolutionsAreMarked() {
        let test = SlackMessage(Fixtures.payload(events: 1), kind: .test)
        #expect(test.blocks[0].text.hasPrefix("🧪 [TEST]"))
        #expect(test.blocks[1].text.contains("Test notification"))
        #expect(test.text.contains("[TEST]"))

        let reminder = SlackMessage(Fixtures.payload(events: 1), kind: .reminder)
        #expect(reminder.blocks[0].text.contains("[REMINDER]"))
        #expect(reminder.blocks[2].text.contains("`reminder`"))

        let resolved = SlackMessage(Fixtures.payload([Fixtures.event(status: .resolved)]), kind: .notification)
        #expect(resolved.blocks[0].text.hasPrefix("✅ [RESOLVED]"))
        #expect(resolved.blocks[2].text.contains("`resolved`"))

        let mixed = SlackMessage(Fixtures.payload([Fixtures.event(1, status: .resolved), Fixtures.event(2)]), kind: .notification)
        #expect(!mixed.blocks[0].text.contains("RESOLVED"))
    }

    @Test func highestSeverityLeads() {
        let events = [Fixtures.event(1, severity: .info), Fixtures.event(2, severity: .critical), Fixtures.event(3, severity: .warning)]
        let digest = NotificationDigest(Fixtures.payload(events), kind: .notification)
        #expect(digest.severity == "CRITICAL")
        #expect(digest.headline == "quality_low: 3 events")
    }

    @Test func jsonHasTextAndBlockKitShapes() throws {
        let data = try SlackMessage(Fixtures.payload(events: 2, truncated: 3), kind: .notification).encoded()
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["text"] is String)
        let blocks = try #require(object["blocks"] as? [[String: Any]])
        #expect(blocks.map { $0["type"] as? String } == ["header", "context", "section", "section", "context"])
        let headerText = try #require(blocks[0]["text"] as? [String: Any])
        #expect(headerText["type"] as? String == "plain_text")
        let sectionText = try #require(blocks[2]["text"] as? [String: Any])
        #expect(sectionText["type"] as? String == "mrkdwn")
        let elements = try #require(blocks[4]["elements"] as? [[String: Any]])
        #expect((elements[0]["text"] as? String)?.contains("… and 3 more") == true)
    }
}
