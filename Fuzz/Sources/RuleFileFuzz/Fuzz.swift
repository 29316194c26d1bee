import Foundation
import FuzzSupport
import Rules
import YAMLSupport

/// The rule-file reader: any text gives a rule set or diagnostics (at least one, each with a
/// line, a column and a message); never a crash or a hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRuleFile(_ pointer: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: pointer, count: size), as: UTF8.self)
    do {
        let rules = try RuleSet.parse([(file: "fuzz.yml", text: text)])
        require(Set(rules.rules.map(\.name)).count == rules.rules.count, "two rules with one name accepted")
    } catch {
        require(!error.items.isEmpty, "refused without a diagnostic")
        for item in error.items {
            require(item.line >= 0 && item.column >= 0 && !item.message.isEmpty, "a diagnostic without a place or a message: \(item)")
        }
    }
    return 0
}

@_cdecl("RuleFileFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzRuleFile)
}
