import Alerting
import Config
import Foundation
import JSON
import Rules
import Testing

/// Rendering one event's templated recipients: the tags' values when they make a usable address
/// or URL in the allowed domains, otherwise a fallback with the reason.
@Suite struct RecipientRendererTests {
    static func email(allowed: [String] = []) throws -> ReceiverConfig {
        ReceiverConfig(
            name: "clients",
            kind: .email(EmailSettings(smtpURL: "smtp://m.example.com:587", from: "a@p.example",
                                       to: ["{{channel.client.contact_info.email}}"])),
            recipients: RecipientSettings(templates: [try RecipientTemplate("{{channel.client.contact_info.email}}")],
                                          fallback: [Secret("ops@p.example")], allowedDomains: allowed))
    }

    static func hook() throws -> ReceiverConfig {
        let url = "https://hooks.example.com/{{channel.client.id}}"
        return ReceiverConfig(name: "hooks", kind: .webhook(url: Secret(url), secret: nil),
                              recipients: RecipientSettings(templates: [try RecipientTemplate(url)],
                                                            fallback: [Secret("https://hooks.example.com/f")]))
    }

    static func variables(email: String?, client: String? = "c1") -> TemplateVariables {
        var contact: [String: JSONValue] = [:]
        if let email { contact["email"] = .string(email) }
        var clientObject: [String: JSONValue] = ["contact_info": .object(contact)]
        if let client { clientObject["id"] = .string(client) }
        return TemplateVariables(channel: .object(["id": .string("ch-1"), "client": .object(clientObject)]), previous: nil,
                                 field: nil, from: nil, to: nil, rule: "quality_low", severity: .critical, labels: [:],
                                 status: .firing, partnerID: "p1", observedAt: Date(timeIntervalSince1970: 0))
    }

    @Test(arguments: [
        ("ops@client.example", [], nil),
        (" ops@client.example\n", [], nil),
        ("ops@client.example", ["client.example"], nil),
        ("ops@eu.client.example", ["client.example"], nil),
        ("ops@notclient.example", ["client.example"], "'to' renders an address in 'notclient.example', outside allowed_domains"),
        ("", [], "'to' renders empty"),
        ("not an address", [], "'to' renders 'not an address', not an email address"),
        ("a@b.example, c@d.example", [], "'to' renders 'a@b.example, c@d.example', not an email address"),
        ("Ops <ops@client.example>", [], "'to' renders 'Ops <ops@client.example>', not an email address"),
    ] as [(String, [String], String?)])
    func emailRecipients(rendered: String, allowed: [String], fallback: String?) throws {
        let renderer = RecipientRenderer(receivers: [try Self.email(allowed: allowed)])
        let result = renderer.render(Self.variables(email: rendered), for: ["clients", "other"])
        if let fallback {
            #expect(result.values.isEmpty)
            #expect(result.fallbacks == [RecipientRenderer.Fallback(receiver: "clients", reason: fallback)])
        } else {
            #expect(result.values == ["clients": [rendered.trimmingCharacters(in: .whitespacesAndNewlines)]])
            #expect(result.fallbacks.isEmpty)
        }
    }

    @Test func aMissingContactEmailIsTheFallback() throws {
        let renderer = RecipientRenderer(receivers: [try Self.email()])
        #expect(renderer.render(Self.variables(email: nil), for: ["clients"]).fallbacks.map(\.reason) == ["'to' renders empty"])
    }

    @Test func webhookValuesAreEncodedAndChecked() throws {
        let renderer = RecipientRenderer(receivers: [try Self.hook()])
        #expect(renderer.render(Self.variables(email: nil, client: "c 1"), for: ["hooks"]).values == ["hooks": ["c 1"]])
        #expect(renderer.render(Self.variables(email: nil, client: nil), for: ["hooks"]).fallbacks.map(\.reason) == ["'url' renders empty"])
        #expect(renderer.isTemplated("hooks") && !renderer.isTemplated("clients"))
    }

    @Test func routingSplitsAGroupPerRecipient() throws {
        let router = Router(routes: [RouteConfig(receivers: ["clients"])], receivers: [try Self.email()])
        func event(_ recipient: String?) -> AlertEvent {
            var event = AlertEvent(id: UUID(), rule: "quality_low", status: .firing, severity: .critical, summary: "s",
                                   description: "d", partnerID: "p1", field: nil, from: nil, to: nil,
                                   observedAt: Date(), labels: ["rule": "quality_low"], channel: ChannelSummary(id: "c"))
            if let recipient { event.recipients = ["clients": [recipient]] }
            return event
        }
        let planned = Grouping.plan(events: [event("a@x.example"), event("b@x.example"), event("a@x.example"), event(nil)],
                                    router: router)
        #expect(planned.map(\.events.count) == [2, 1, 1])
        #expect(planned.map(\.recipient) == [["a@x.example"], ["b@x.example"], nil])
        #expect(planned.map(\.groupKey) == ["rule=quality_low,recipient=a@x.example", "rule=quality_low,recipient=b@x.example",
                                            "rule=quality_low,recipient=fallback"])
    }
}
