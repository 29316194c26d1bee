import Foundation
import JSON
import Rules
import Testing

/// Summary and description templates: every documented variable renders, nothing is HTML-escaped.
struct TemplateTests {
    @Test func everyVariableRenders() throws {
        let rules = try Fixture.rules("""
            rules:
              - name: quality_low
                severity: critical
                labels: {team: messaging}
                summary: "{{rule}}|{{severity}}|{{labels.team}}|{{partner_id}}|{{observed_at}}|{{status}}"
                description: "{{field}}|{{from}}|{{to}}|{{channel.setup_info.phone_name}}|{{previous.current_quality_rating}}|{{channel.version}}|{{#resolved}}R{{/resolved}}{{^resolved}}F{{/resolved}}"
                alert: {field: current_quality_rating, equals: Low}
            """)
        var driver = ChannelDriver(rules)
        _ = driver.poll(#"{"current_quality_rating":"High","version":2}"#)
        let fact = try #require(driver.poll(#"{"current_quality_rating":"Low","version":3,"setup_info":{"phone_name":"Acme & <Co>"}}"#).first)
        #expect(fact.summary == "quality_low|critical|messaging|p1|\(Fixture.context.observedAt.formatted(.iso8601))|firing")
        #expect(fact.description == "current_quality_rating|High|Low|Acme & <Co>|High|3|F")
        let resolved = try #require(driver.poll(#"{"current_quality_rating":"High"}"#).first)
        #expect(resolved.description.hasSuffix("|R"))
        #expect(resolved.summary.hasSuffix("|resolved"))
    }

    @Test func observedAtIsISO8601InUTC() throws {
        var driver = ChannelDriver(try Fixture.rules("rules:\n  - {name: r, summary: '{{observed_at}}', alert: {field: x, exists: true}}\n"))
        let fact = try #require(driver.poll(#"{"x":1}"#).first)
        #expect(fact.summary == "2026-11-18T11:06:40Z")
    }

    @Test func sectionsIterateArraysAndSkipNulls() throws {
        let rules = try Fixture.rules("""
            rules:
              - name: r
                summary: "{{#channel.tags}}<{{.}}>{{/channel.tags}}{{#channel.cancelled_at}}cancelled{{/channel.cancelled_at}}{{^channel.cancelled_at}}active{{/channel.cancelled_at}}"
                alert: {field: tags, exists: true}
            """)
        var driver = ChannelDriver(rules)
        #expect(driver.poll(#"{"tags":["a","b"],"cancelled_at":null}"#).first?.summary == "<a><b>active")
    }

    @Test func missingVariablesRenderEmpty() throws {
        var driver = ChannelDriver(try Fixture.rules("rules:\n  - {name: r, summary: '[{{from}}][{{channel.nope.deeper}}]', alert: {field: x, exists: true}}\n"))
        #expect(driver.poll(#"{"x":1}"#).first?.summary == "[][]")
    }

    @Test(arguments: ["{{#open}}never closed", "{{name", "{{#a}}x{{/b}}", "{{=<% %>=}} <%#x%>"])
    func unparsableTemplatesAreRejectedAtLoad(_ template: String) {
        let problems = Fixture.diagnostics("rules:\n  - name: r\n    summary: '\(template)'\n    alert: {field: x, exists: true}\n")
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("test.yml:3:14: 'summary' template does not parse") == true, "\(problems)")
    }
}
