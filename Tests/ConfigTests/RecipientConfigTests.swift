import Config
import Foundation
import JSON
import Testing

/// Templated email `to` and webhook `url`: read with their `fallback_to` and `allowed_domains`,
/// refused with FILE:LINE:COL when a template or its fallback is wrong, the template's text
/// never echoed.
@Suite struct RecipientConfigTests {
    let loader = ConfigLoaderTests()

    @Test func templatedRecipientsAreReadWithTheirFallbacks() throws {
        let (result, _) = try loader.load("""
            partners: [{id: p1, api_key: k}]
            receivers:
              - name: clients
                type: email
                smtp_url: "smtp://mail.example.com:587"
                from: alerts@partner.example
                to: ["{{channel.client.contact_info.email}}", noc@partner.example]
                fallback_to: [ops@partner.example]
                allowed_domains: [client.example]
              - {name: hooks, type: webhook, url: "https://hooks.example.com/{{channel.client_id}}/TOKENSECRET",
                 fallback_to: "https://hooks.example.com/default/FALLBACKSECRET"}
              - {name: plain, type: webhook, url: "https://hooks.example.com/plain"}
            routes: [{receivers: [clients, hooks, plain]}]
            """)
        let config = try result.get()
        let email = try #require(config.receivers[0].recipients)
        #expect(email.templates.map(\.tagNames) == [["channel.client.contact_info.email"], []])
        #expect(email.fallback.map(\.revealed) == ["ops@partner.example"] && email.allowedDomains == ["client.example"])
        #expect(email.assembled(["a@client.example"]) == ["a@client.example", "noc@partner.example"])
        let hook = try #require(config.receivers[1].recipients)
        #expect(hook.assembledURL(["c 1/../x"]) == "https://hooks.example.com/c%201%2F..%2Fx/TOKENSECRET")
        #expect(config.receivers[2].recipients == nil)

        let text = String(decoding: try config.redacted.encoded(), as: UTF8.self)
        #expect(!text.contains("TOKENSECRET") && !text.contains("FALLBACKSECRET"), "\(text)")
        #expect(text.contains("ops@partner.example") && text.contains("client.example"))
    }

    @Test func aTemplateNeedsAFallbackAndValidTags() throws {
        let found = try loader.errors("""
            partners: [{id: p1, api_key: k}]
            receivers:
              - {name: a, type: email, smtp_url: "smtp://m.example.com:587", from: x@p.example, to: ["{{channel.client.contact_info.email}}"]}
              - {name: b, type: email, smtp_url: "smtp://m.example.com:587", from: x@p.example, to: ["{{#channel}}x{{/channel}}"],
                 fallback_to: [ops@p.example]}
              - {name: c, type: webhook, url: "https://h.example.com/{{channel.client_id}/SECRETA", fallback_to: "https://h.example.com/f"}
              - {name: d, type: webhook, url: "https://h.example.com/{{channel.client_id}}", fallback_to: "h.example.com/SECRETB"}
              - {name: e, type: email, smtp_url: "smtp://m.example.com:587", from: x@p.example, to: [ops@p.example],
                 fallback_to: [x@p.example]}
              - {name: f, type: email, smtp_url: "smtp://m.example.com:587", from: x@p.example, to: ["{{channel.client.contact_info.email}}"],
                 fallback_to: ["{{channel.id}}"], allowed_domains: ["@client.example"]}
            routes: [{receivers: [a, b, c, d, e, f]}]
            """)
        #expect(found == [
            "F:3:5: receiver a: a templated recipient needs 'fallback_to' (e.g. fallback_to: [ops@partner.example]) for events whose template renders empty or invalid",
            "F:4:90: receiver b: 'to' template: '{{#' tags are not allowed in a recipient; use {{name}} tags only",
            "F:6:35: receiver c: 'url' template: a tag is opened with '{{' but not closed with '}}'",
            "F:7:95: receiver d: 'fallback_to' must be a plain http:// or https:// URL",
            "F:9:19: receiver e: 'fallback_to' applies only when a 'to' entry is a template such as {{channel.client_id}}",
            "F:11:19: receiver f: 'fallback_to' entry '{{channel.id}}' must be a plain email address",
            "F:11:56: receiver f: 'allowed_domains' entry '@client.example' must be a domain such as example.com",
        ], "\(found)")
        for line in found { #expect(!line.contains("SECRET"), "\(line)") }
    }
}
