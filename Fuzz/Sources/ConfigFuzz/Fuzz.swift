import Config
import Foundation
import FuzzSupport
import JSON
import YAMLSupport

/// Secrets the fuzzed configurations can reach through `${SLACK_URL}` and `${D360_API_KEY}`.
let slackURL = "https://hooks.slack.com/services/T0FUZZ/B0FUZZ/fuzz-secret-4f2a"
let apiKey = "fuzz-secret-key-9c1e"
let loader = ConfigLoader(environment: [
    "D360_PARTNER_ID": "fuzz-partner", "SLACK_URL": slackURL, "D360_API_KEY": apiKey,
    "DATABASE_URL": "postgresql://channelwatch:fuzz-secret-password@127.0.0.1/cw",
])

/// The configuration reader: any text gives a configuration or diagnostics (at least one, each
/// with a line, a column and a message), and a secret reached through `${VAR}` shows neither in
/// the diagnostics nor in the redacted configuration `check` prints.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ pointer: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: pointer, count: size), as: UTF8.self)
    let secrets = [slackURL, apiKey, "fuzz-secret-password"].filter { !text.contains($0) }
    do {
        let config = try loader.parse(text, file: "fuzz.yml")
        let shown = String(decoding: config.redacted.compactJSON(), as: UTF8.self)
        for secret in secrets { require(!shown.contains(secret), "a secret in the redacted configuration: \(shown)") }
    } catch {
        require(!error.items.isEmpty, "refused without a diagnostic")
        for item in error.items {
            require(item.line >= 0 && item.column >= 0 && !item.message.isEmpty, "a diagnostic without a place or a message: \(item)")
            for secret in secrets { require(!item.description.contains(secret), "a secret in a diagnostic: \(item)") }
        }
    }
    return 0
}

@_cdecl("ConfigFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzConfig)
}
