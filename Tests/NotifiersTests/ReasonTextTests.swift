import Foundation
@testable import Notifiers
import Testing

@Suite("Reason text: clipped, flattened, scrubbed")
struct ReasonTextTests {
    @Test func credentialURLPartsAreAllMasked() {
        let url = "https://hooks.slack.com/services/T0SECRETTEAM/B0SECRETHOOK/xoxbSuperSecretToken42?sig=abcdef123"
        let text = ReasonText(secrets: ReasonText.secrets(inCredentialURL: url))

        let scrubbed = text.scrub("posted to \(url); token xoxbSuperSecretToken42, team T0SECRETTEAM, sig=abcdef123")

        expectNoSecret(scrubbed, ["xoxbSuperSecretToken42", "T0SECRETTEAM", "B0SECRETHOOK", "abcdef123"])
        #expect(scrubbed.contains("posted to ***"))
    }

    @Test func excerptIsOneShortLine() {
        let text = ReasonText(secrets: [])

        let excerpt = text.excerpt(of: "line one\r\nline two\t\u{0}" + String(repeating: "z", count: 1000), limit: 50)

        #expect(!excerpt.contains("\n") && !excerpt.contains("\r") && !excerpt.contains("\u{0}"))
        #expect(excerpt.hasPrefix("line one line two z"))
        #expect(excerpt.count == 51)
        #expect(excerpt.hasSuffix("…"))
    }

    @Test func aSecretCutByTheClipIsStillMasked() {
        let secret = "very-long-secret-value-0123456789"
        let text = ReasonText(secrets: [secret])

        let excerpt = text.excerpt(of: String(repeating: "a", count: 40) + secret, limit: 50)

        #expect(!excerpt.contains("very-long"))
    }
}
